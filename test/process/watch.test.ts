/**
 * `wh watch` against a real `wh serve`: rendered in-process with ink-testing-library (the board fills from
 * the API, a task added through the API appears live from the event stream, `p` pauses the run through the
 * API, Enter opens a task, Esc goes back; a slow read of the run left never shows over the run opened),
 * and once as a person runs it, in a real terminal (tmux), where `q` quits.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/api-client.ts';
import { git } from '../../src/worker/git.ts';
import { ROOT, type Started, startServe, stop, tempDir } from '../support/wh-process.ts';

let server: Started;
let client: ApiClient;
let runId: number;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return (await response.json()) as T;
}

async function until(read: () => string | undefined, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = read() ?? '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what}: ${pattern} never showed; last:\n${text}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  server = await startServe(join(tempDir(), 'data'));
  client = new ApiClient({ url: server.base, token: server.token, tokenFrom: 'given' });
  const repo = join(tempDir(), 'repo');
  await git(tempDir(), ['init', '-q', '-b', 'main', repo]);
  await git(repo, [
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@t',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'init',
  ]);
  const project = await api<{ id: number }>('POST', '/api/projects', { name: 'watched', repository: repo });
  runId = (
    await api<{ id: number }>('POST', '/api/runs', {
      project_id: project.id,
      goal: 'Ship the watch view',
      skip_planning: true,
    })
  ).id;
  await api('POST', '/api/tasks', {
    run_id: runId,
    title: 'Draw the board',
    acceptance: ['columns per stage'],
  });
}, 90_000);

afterAll(async () => {
  if (server) await stop(server.wh);
});

describe('wh watch', () => {
  it('shows the run board live and acts on keys through the API', async () => {
    // Ink draws only the last frame when it thinks it runs in CI (CI=true): this test reads every frame.
    process.env.CI = 'false';
    const [{ render }, { WatchApp }] = await Promise.all([
      import('ink-testing-library'),
      import('../../src/watch/WatchApp.tsx'),
    ]);
    const view = render(createElement(WatchApp, { client, runId }));
    try {
      const board = await until(view.lastFrame, /#\d+ Draw the board/, 'the board');
      expect(board).toMatch(new RegExp(`Run #${runId} · building`));
      expect(board).toMatch(/DEV \(1\)/);

      await api('POST', '/api/tasks', { run_id: runId, title: 'Arrived live' });
      await until(view.lastFrame, /Arrived live/, 'a task added through the API');

      view.stdin.write('p');
      await until(view.lastFrame, /PAUSED/, 'the paused run');
      expect(await api<{ paused: boolean }>('GET', `/api/runs/${runId}`)).toMatchObject({ paused: true });

      view.stdin.write('\r');
      const task = await until(view.lastFrame, /Task #\d+ · dev/, 'the task detail');
      expect(task).toMatch(/Acceptance\n- columns per stage/);
      view.stdin.write('\u001B');
      await until(view.lastFrame, /DEV \(2\)/, 'back on the board');
    } finally {
      view.unmount();
    }
  }, 120_000);

  it('shows the run opened, not a slower read of the run left', async () => {
    process.env.CI = 'false';
    const [{ render }, { WatchApp }] = await Promise.all([
      import('ink-testing-library'),
      import('../../src/watch/WatchApp.tsx'),
    ]);
    const left = await api<{ project_id: number }>('GET', `/api/runs/${runId}`);
    const opened = (
      await api<{ id: number }>('POST', '/api/runs', {
        project_id: left.project_id,
        goal: 'Open me instead',
        skip_planning: true,
      })
    ).id;
    // The real client, with the reads of the run left held back while `slow` is set.
    let slow = false;
    let slowRead: Promise<unknown> = Promise.resolve();
    const slowClient = new (class extends ApiClient {
      override send(...args: Parameters<ApiClient['send']>): Promise<Response> {
        if (!slow || args[1] !== `/api/runs/${runId}`) return super.send(...args);
        const read = sleep(2000).then(() => super.send(...args));
        slowRead = read;
        return read;
      }
    })(client.connection);
    const view = render(createElement(WatchApp, { client: slowClient, runId }));
    try {
      await until(view.lastFrame, new RegExp(`Run #${runId} ·`), 'the run to leave');
      slow = true;
      view.stdin.write('r');
      view.stdin.write('\u001B');
      await until(view.lastFrame, /Open me instead/, 'the overview');
      // The newest run is listed first, where Esc left the selection.
      const listed = await api<{ items: { id: number }[] }>('GET', '/api/runs?limit=1');
      expect(listed.items[0]?.id).toBe(opened);
      view.stdin.write('\r');
      await until(view.lastFrame, new RegExp(`Run #${opened} ·`), 'the run opened');
      await slowRead;
      await sleep(200);
      expect(view.lastFrame()).toMatch(new RegExp(`Run #${opened} ·`));
    } finally {
      view.unmount();
    }
  }, 120_000);

  it('runs in a real terminal and quits on q', async () => {
    const session = `wh-watch-${process.pid}`;
    const command = [
      process.execPath,
      join(ROOT, 'bin', 'wh.js'),
      '--url',
      server.base,
      '--token',
      server.token,
      'watch',
    ];
    const started = spawnSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '140',
      '-y',
      '40',
      ...command,
    ]);
    expect(started.status, started.stderr?.toString()).toBe(0);
    const capture = () =>
      spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).stdout;
    try {
      const screen = await until(capture, /Ship the watch view/, 'the overview in tmux');
      expect(screen).toMatch(/^Workhorse \S+ · pglite/m);
      spawnSync('tmux', ['send-keys', '-t', session, 'q']);
      const deadline = Date.now() + 15_000;
      while (spawnSync('tmux', ['has-session', '-t', session]).status === 0) {
        if (Date.now() > deadline) throw new Error(`wh watch did not quit on q:\n${capture()}`);
        await sleep(100);
      }
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 120_000);
});
