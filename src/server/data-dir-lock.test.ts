/**
 * The data folder's lock, with real processes: held while its owner lives (another process is refused,
 * naming the owner), free the moment the owner dies however it dies (SIGKILL included), never blocked by a
 * pid that a lock file names but no lock holds (pid reuse), and the folder kept private (700).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-lock-'));
const MODULE = new URL('./data-dir-lock.ts', import.meta.url).pathname;
let folders = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(): string {
  return join(root, `data-${++folders}`);
}

/** A separate process that takes the lock, says so, and holds it until killed. */
function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import(${JSON.stringify(MODULE)}).then((m) => { m.lockDataDir(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000); })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('lockDataDir', () => {
  it('refuses a second owner while the first lives, naming it, and is free the moment it is killed', async () => {
    const dataDir = folder();
    const owner = await holder(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by another Workhorse process (pid ${owner.pid})`);
    owner.kill('SIGKILL');
    await exited(owner);
    const lock = lockDataDir(dataDir);
    lock.release();
  });

  it('is not blocked by a lock file naming a live process that holds no lock (a reused pid)', () => {
    const dataDir = folder();
    mkdirSync(dataDir, { mode: 0o700 });
    // pid 1 always lives; the file says nothing about who holds the lock.
    writeFileSync(join(dataDir, 'wh.lock'), '1\n');
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(`(pid ${process.pid})`);
    lock.release();
    lockDataDir(dataDir).release();
  });

  it('makes the folder private, and tightens one other users could read', () => {
    const fresh = folder();
    lockDataDir(fresh).release();
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const open = folder();
    mkdirSync(open);
    chmodSync(open, 0o755);
    lockDataDir(open).release();
    expect(statSync(open).mode & 0o777).toBe(0o700);
  });
});
