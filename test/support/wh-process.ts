/**
 * `wh` as a real child process for tests: its output collected, its exit awaited, killed at the end of each
 * test (`killChildren`), and `wh serve` started on an ephemeral port up to its login line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const ROOT = new URL('../../', import.meta.url).pathname;
const STRIPPED = [
  'DATABASE_URL',
  'WH_DATA_DIR',
  'PORT',
  'HOST',
  'LLM_TIMEOUT',
  'AUTO_TRIGGER_AGENTS',
  'LOG_LEVEL',
  'NODE_OPTIONS',
];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Wh {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

export interface Started {
  wh: Wh;
  base: string;
  loginUrl: string;
  token: string;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wh-'));
  dirs.push(dir);
  return dir;
}

/** Where `wh` runs from: this checkout by default, or a package folder of its own (`node [nodeArgs] bin/wh.js`). */
export interface WhPlace {
  cwd: string;
  nodeArgs: string[];
}

export function wh(
  args: string[],
  env: Record<string, string>,
  place: WhPlace = { cwd: ROOT, nodeArgs: [] },
): Wh {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !STRIPPED.includes(key)));
  const child = spawn(process.execPath, [...place.nodeArgs, join(place.cwd, 'bin', 'wh.js'), ...args], {
    cwd: place.cwd,
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

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts `wh serve` on an ephemeral port and waits for its login line; `env` adds to its environment. */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const server = wh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0', ...env });
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
  const match = await within(ready, 60_000, 'wh serve login line');
  const port = match[2]!;
  expect(server.stdout()).toMatch(new RegExp(`^Workhorse \\S+ on http://localhost:${port} `, 'm'));
  return { wh: server, base: `http://127.0.0.1:${port}`, loginUrl: match[1]!, token: match[3]! };
}

export async function stop(server: Wh): Promise<Exit> {
  server.child.kill('SIGTERM');
  return within(server.exited, 10_000, 'wh serve after SIGTERM');
}

/** For afterEach: kills every `wh` process a test left running. */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** For afterAll: removes every folder `tempDir` made. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
