/**
 * `wh mcp` as an IDE runs it: the MCP SDK's own client starts `wh mcp` as a child process over stdio and
 * talks to a real `wh serve`. A viewer token reads the board and is offered no tool that changes it; an
 * operator token adds a task that the API then lists; a refusal is the tool's error, not a dropped session.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type Started, startServe, stop, tempDir } from '../support/wh-process.ts';

let server: Started;
let runId: number;
let taskId: number;
const clients: Client[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return (await response.json()) as T;
}

async function tokenFor(role: string): Promise<string> {
  return (await api<{ token: string }>('POST', '/api/tokens', { name: `mcp ${role}`, role })).token;
}

async function connect(token: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(ROOT, 'bin', 'wh.js'), '--url', server.base, '--token', token, 'mcp'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'workhorse-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const [first] = result.content as { type: string; text: string }[];
  return first!.text;
}

beforeAll(async () => {
  server = await startServe(join(tempDir(), 'data'));
  const repo = join(tempDir(), 'repo');
  const { git } = await import('../../src/worker/git.ts');
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
  const project = await api<{ id: number }>('POST', '/api/projects', { name: 'mcp', repository: repo });
  runId = (
    await api<{ id: number }>('POST', '/api/runs', { project_id: project.id, goal: 'g', skip_planning: true })
  ).id;
  taskId = (
    await api<{ id: number }>('POST', '/api/tasks', { run_id: runId, title: 'Read me', acceptance: ['a'] })
  ).id;
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  if (server) await stop(server.wh);
});

describe('wh mcp', () => {
  it('gives a viewer the board to read and no tool that changes it', async () => {
    const client = await connect(await tokenFor('viewer'));
    const tools = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(tools).toEqual(['get_run', 'get_task', 'list_projects', 'list_runs', 'list_tasks']);

    const task = JSON.parse(
      textOf(await client.callTool({ name: 'get_task', arguments: { task_id: taskId } })),
    );
    expect(task).toMatchObject({
      id: taskId,
      title: 'Read me',
      acceptance: ['a'],
      findings: [],
      change: { summary: `task ${taskId} has no branch yet (it has not been through dev)`, diff: '' },
    });

    const missing = await client.callTool({ name: 'get_run', arguments: { run_id: 2_000_000 } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^run 2000000 not found \(WH_RUN_NOT_FOUND\)$/);
  }, 90_000);

  it('lets an operator add a task that the API then lists', async () => {
    const client = await connect(await tokenFor('operator'));
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['create_task', 'start_run', 'trigger_run']));

    const created = JSON.parse(
      textOf(
        await client.callTool({
          name: 'create_task',
          arguments: { run_id: runId, title: 'From the IDE', acceptance: ['it is listed'] },
        }),
      ),
    );
    const listed = await api<{ items: { id: number; title: string }[] }>('GET', `/api/tasks?run_id=${runId}`);
    expect(listed.items).toContainEqual(expect.objectContaining({ id: created.id, title: 'From the IDE' }));

    await client.callTool({ name: 'add_note', arguments: { task_id: created.id, text: 'Keep it small' } });
    const notes = await api<{ items: { body: string; source: string }[] }>(
      'GET',
      `/api/tasks/${created.id}/notes`,
    );
    expect(notes.items).toEqual([expect.objectContaining({ body: 'Keep it small', source: 'person' })]);

    const refused = await client.callTool({ name: 'create_task', arguments: { run_id: runId, title: '' } });
    expect(refused.isError).toBe(true);
  }, 90_000);
});
