/**
 * The live event stream over real HTTP: changes arrive without polling, filtered by run, and a client that
 * reconnects with Last-Event-ID gets exactly what it missed, with no gap and no repeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

interface StreamEvent {
  id: number | null;
  type: string;
  data: Record<string, unknown>;
}

/** Reads SSE frames from a live response until `until` says stop or the deadline passes. */
async function readStream(
  url: string,
  token: string,
  headers: Record<string, string>,
  until: (events: StreamEvent[]) => boolean,
  deadlineMs = 5000,
  onReady?: () => void,
): Promise<StreamEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: controller.signal,
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          frame
            .split('\n')
            .filter((line) => line && !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
        );
        if (fields.event === 'ready') onReady?.();
        if (fields.data) {
          events.push({
            id: fields.id ? Number(fields.id) : null,
            type: fields.event ?? 'message',
            data: JSON.parse(fields.data),
          });
        }
        end = buffer.indexOf('\n\n');
      }
      if (until(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

let api: TestApi;
let base: string;

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await api.app.inject({
    method: 'POST',
    url: path,
    headers: api.auth(),
    payload: body as object,
  });
  expect(response.statusCode).toBeLessThan(300);
  return response.json();
}

beforeAll(async () => {
  api = await startTestApi();
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => api.close());

describe('GET /api/events/stream', () => {
  it('delivers a change to an open stream, only for the run asked for', async () => {
    const project = await post('/api/projects', { name: 'stream', repository: scratchRepository() });
    const run = await post('/api/runs', { project_id: project.id, goal: 'watch', skip_planning: true });
    const other = await post('/api/runs', { project_id: project.id, goal: 'elsewhere', skip_planning: true });
    // The stream says it is ready once it is subscribed: writes after that cannot be missed.
    let ready: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const reading = readStream(
      `${base}/api/events/stream?run_id=${run.id}`,
      api.tokens.viewer,
      {},
      (events) => events.some((event) => event.type === 'task.created'),
      5000,
      ready,
    );
    await subscribed;
    await post('/api/tasks', { run_id: other.id, title: 'not mine' });
    await post('/api/tasks', { run_id: run.id, title: 'mine' });
    const events = await reading;

    expect(events[0]).toMatchObject({ type: 'ready' });
    const created = events.filter((event) => event.type === 'task.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ run_id: run.id, payload: { title: 'mine', stage: 'dev' } });
  });

  it('resumes after Last-Event-ID with every missed event, in order, and nothing twice', async () => {
    const project = await post('/api/projects', { name: 'resume', repository: scratchRepository() });
    const run = await post('/api/runs', { project_id: project.id, goal: 'resume', skip_planning: true });
    const first = await post('/api/tasks', { run_id: run.id, title: 'one' });
    const seen = await api.app.inject({
      method: 'GET',
      url: `/api/events?run_id=${run.id}`,
      headers: api.auth(),
    });
    const lastSeen = (seen.json().items as { id: number }[]).at(-1)!.id;
    // Missed while disconnected:
    await post(`/api/tasks/${first.id}/advance-stage`, { result: 'pass' });
    await post('/api/tasks', { run_id: run.id, title: 'two' });

    const events = await readStream(
      `${base}/api/events/stream?run_id=${run.id}`,
      api.tokens.viewer,
      { 'last-event-id': String(lastSeen) },
      (list) => list.filter((event) => event.id !== null).length >= 2,
    );
    const replayed = events.filter((event) => event.id !== null);
    expect(replayed.map((event) => event.type)).toEqual(['task.stage_advanced', 'task.created']);
    expect(replayed.map((event) => event.id)).toEqual(
      [...replayed.map((event) => event.id)].sort((a, b) => a! - b!),
    );
    expect(replayed.every((event) => event.id! > lastSeen)).toBe(true);
  });

  it('refuses a client without a token', async () => {
    const response = await fetch(`${base}/api/events/stream`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'WH_UNAUTHENTICATED' } });
  });
});
