/**
 * A project's repository is checked when it is made or moved: a local path must be a git work tree whose
 * default branch exists, or the API answers 400 naming the field, before any job could fail on it. A git
 * URL is taken as given (reaching it may need the worker's credentials).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

let api: TestApi;
let scratch: string;

beforeAll(async () => {
  api = await startTestApi();
  scratch = mkdtempSync(join(tmpdir(), 'wh-repo-check-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function send(method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const response = await api.app.inject({ method, url, headers: api.auth(), payload });
  return { status: response.statusCode, json: response.json() };
}

function refused(field: string, message: string) {
  return {
    status: 400,
    json: {
      error: {
        code: 'WH_VALIDATION_FAILED',
        message: `body.${field}: ${message}`,
        details: { issues: [{ field: `body.${field}`, message }] },
      },
    },
  };
}

describe('a project repository', () => {
  it('is refused when the path does not exist, is a file, or is not a git work tree', async () => {
    const missing = join(scratch, 'missing');
    expect(await send('POST', '/api/projects', { name: 'missing', repository: missing })).toEqual(
      refused('repository', `${missing} does not exist on this machine`),
    );
    const file = join(scratch, 'file.txt');
    writeFileSync(file, 'not a folder\n');
    expect(await send('POST', '/api/projects', { name: 'file', repository: file })).toEqual(
      refused('repository', `${file} is not a folder`),
    );
    const plain = join(scratch, 'plain');
    mkdirSync(plain);
    expect(await send('POST', '/api/projects', { name: 'plain', repository: plain })).toEqual(
      refused('repository', `${plain} is not a git work tree (git init it, or give its clone)`),
    );
    expect(await send('POST', '/api/projects', { name: 'relative', repository: 'repos/shop' })).toEqual(
      refused('repository', 'repos/shop is not an absolute path (nor a git URL)'),
    );
  });

  it('is refused when its default branch does not exist, naming default_branch', async () => {
    const repo = scratchRepository();
    expect(
      await send('POST', '/api/projects', { name: 'trunk', repository: repo, default_branch: 'trunk' }),
    ).toEqual(refused('default_branch', `${repo} has no branch trunk (with a commit on it)`));
    const empty = join(scratch, 'empty');
    execFileSync('git', ['init', '-q', '-b', 'main', empty]);
    expect(await send('POST', '/api/projects', { name: 'empty', repository: empty })).toEqual(
      refused('default_branch', `${empty} has no branch main (with a commit on it)`),
    );
  });

  it('is accepted as a work tree with its branch, and as a git URL unchecked', async () => {
    const local = await send('POST', '/api/projects', { name: 'local', repository: scratchRepository() });
    expect(local.status).toBe(201);
    const remote = await send('POST', '/api/projects', {
      name: 'remote',
      repository: 'https://example.invalid/shop.git',
      default_branch: 'trunk',
    });
    expect(remote.status).toBe(201);
    expect(remote.json).toMatchObject({
      repository: 'https://example.invalid/shop.git',
      default_branch: 'trunk',
    });
  });

  it('is checked again when a change names the repository or the default branch, and only then', async () => {
    const repo = scratchRepository();
    const { json } = await send('POST', '/api/projects', { name: 'moved', repository: repo });
    const url = `/api/projects/${json.id}`;
    const gone = join(scratch, 'gone');
    expect(await send('PATCH', url, { repository: gone })).toEqual(
      refused('repository', `${gone} does not exist on this machine`),
    );
    expect(await send('PATCH', url, { default_branch: 'release' })).toEqual(
      refused('default_branch', `${repo} has no branch release (with a commit on it)`),
    );
    execFileSync('git', ['-C', repo, 'branch', 'release']);
    expect((await send('PATCH', url, { default_branch: 'release' })).status).toBe(200);
    expect((await send('PATCH', url, { test_command: 'npm test' })).json).toMatchObject({
      repository: repo,
      default_branch: 'release',
      test_command: 'npm test',
    });
  });
});
