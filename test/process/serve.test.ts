/**
 * `wh serve` as a real process: it prints where it listens and how to log in, owns its data folder, stops
 * cleanly on SIGTERM, keeps its token and data across a restart, and refuses a bad environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const STRIPPED = [
  'DATABASE_URL',
  'WH_DATA_DIR',
  'PORT',
  'HOST',
  'LLM_TIMEOUT',
  'AUTO_TRIGGER_AGENTS',
  'LOG_LEVEL',
];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Wh {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

interface Started {
  wh: Wh;
  base: string;
  loginUrl: string;
  token: string;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wh-'));
  dirs.push(dir);
  return dir;
}

function wh(args: string[], env: Record<string, string>): Wh {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !STRIPPED.includes(key)));
  const child = spawn(process.execPath, ['bin/wh.js', ...args], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts `wh serve` on an ephemeral port and waits for its login line. */
async function startServe(dataDir: string): Promise<Started> {
  const server = wh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0' });
  const loginLine = /^Log in: (http:\/\/localhost:(\d+)\/ui\/\?token=(wh_\S+))$/m;
  const ready = new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = server.stdout().match(loginLine);
      if (match) resolve(match);
    };
    server.child.stdout?.on('data', check);
    server.exited.then((exit) =>
      reject(new Error(`wh serve exited early (${exit.code}): ${server.stderr()}${server.stdout()}`)),
    );
    check();
  });
  const match = await within(ready, 20_000, 'wh serve login line');
  const port = match[2]!;
  expect(server.stdout()).toMatch(new RegExp(`^Workhorse \\S+ on http://localhost:${port} `, 'm'));
  return { wh: server, base: `http://127.0.0.1:${port}`, loginUrl: match[1]!, token: match[3]! };
}

async function stop(server: Wh): Promise<Exit> {
  server.child.kill('SIGTERM');
  return within(server.exited, 10_000, 'wh serve after SIGTERM');
}

function authed(token: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  };
}

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('wh serve', () => {
  it('serves, owns its data folder, stops cleanly and restarts with the same token and data', async () => {
    const dataDir = tempDir();
    const first = await startServe(dataDir);

    const status = await fetch(`${first.base}/api/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ database: 'pglite' });

    const tokenFile = join(dataDir, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.token);
    expect((await fetch(`${first.base}/api/projects`)).status).toBe(401);
    const listed = await fetch(`${first.base}/api/projects`, authed(first.token));
    expect(listed.status).toBe(200);

    const created = await fetch(
      `${first.base}/api/projects`,
      authed(first.token, {
        method: 'POST',
        body: JSON.stringify({ name: 'kept', repository: '/tmp/kept' }),
      }),
    );
    expect(created.status).toBe(201);

    const second = wh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0' });
    const refused = await within(second.exited, 10_000, 'second wh serve');
    expect(refused.signal).toBeNull();
    expect(refused.code).not.toBe(0);
    const stderr = second.stderr().trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain('in use by another Workhorse process');
    expect(stderr).not.toContain('    at ');
    expect(existsSync(join(dataDir, 'wh.lock'))).toBe(true);

    expect(await stop(first.wh)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'wh.lock'))).toBe(false);

    const again = await startServe(dataDir);
    expect(again.loginUrl.replace(/:\d+\//, ':PORT/')).toBe(first.loginUrl.replace(/:\d+\//, ':PORT/'));
    expect(again.token).toBe(first.token);
    const projects = await fetch(`${again.base}/api/projects`, authed(again.token));
    const body = (await projects.json()) as { items: { name: string }[] };
    expect(body.items.map((project) => project.name)).toContain('kept');
    expect(await stop(again.wh)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'wh.lock'))).toBe(false);
  }, 90_000);

  it.each([
    ['LLM_TIMEOUT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
  ])(
    'exits 2 with one line naming %s when it is %s',
    async (name, value) => {
      const dataDir = tempDir();
      const bad = wh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0', [name]: value });
      expect(await within(bad.exited, 15_000, `wh serve with ${name}=${value}`)).toEqual({
        code: 2,
        signal: null,
      });
      const stderr = bad.stderr().trim();
      expect(stderr.split('\n')).toHaveLength(1);
      expect(stderr).toContain(name);
      expect(stderr).not.toContain('    at ');
      expect(bad.stdout()).toBe('');
      expect(existsSync(join(dataDir, 'wh.lock'))).toBe(false);
    },
    30_000,
  );
});
