/**
 * `wh serve` as a real process: it prints where it listens and how to log in, owns its data folder (a lock
 * that goes with the process; the folder private), stops cleanly on SIGTERM, keeps its token and data across
 * a restart, refuses a bad environment, and a lost admin token is recovered with `wh token create`.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { scratchRepository } from '../support/git.ts';
import {
  killChildren,
  removeTempDirs,
  startServe,
  stop,
  tempDir,
  wh,
  within,
} from '../support/wh-process.ts';

function authed(token: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  };
}

afterEach(killChildren);
afterAll(removeTempDirs);

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
        body: JSON.stringify({ name: 'kept', repository: scratchRepository() }),
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
    expect(stderr).toContain(`(pid ${first.wh.child.pid})`);
    // The data folder holds tokens and the database: its owner's alone.
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    expect(await stop(first.wh)).toEqual({ code: 0, signal: null });

    // The lock went with the process: the folder starts again at once.
    const again = await startServe(dataDir);
    expect(again.loginUrl.replace(/:\d+\//, ':PORT/')).toBe(first.loginUrl.replace(/:\d+\//, ':PORT/'));
    expect(again.token).toBe(first.token);
    const projects = await fetch(`${again.base}/api/projects`, authed(again.token));
    const body = (await projects.json()) as { items: { name: string }[] };
    expect(body.items.map((project) => project.name)).toContain('kept');
    expect(await stop(again.wh)).toEqual({ code: 0, signal: null });
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

  it('recovers a lost admin token with wh token create on the server machine', async () => {
    const dataDir = tempDir();
    const first = await startServe(dataDir);
    // While the server owns the PGlite folder, the CLI says so instead of waiting or corrupting it.
    const busy = wh(['token', 'create', '--role', 'admin'], { WH_DATA_DIR: dataDir });
    expect(await within(busy.exited, 30_000, 'wh token create while serving')).toEqual({
      code: 2,
      signal: null,
    });
    expect(busy.stderr().trim()).toMatch(/^wh: the data folder .* is in use by another Workhorse process/);
    expect(await stop(first.wh)).toEqual({ code: 0, signal: null });

    rmSync(join(dataDir, 'admin-token'));
    const made = wh(['token', 'create', '--role', 'admin', '--name', 'recovered'], { WH_DATA_DIR: dataDir });
    expect(await within(made.exited, 30_000, 'wh token create')).toEqual({ code: 0, signal: null });
    const token = made.stdout().trim();
    expect(token).toMatch(/^wh_[A-Za-z0-9_-]{32}$/);

    const again = wh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0' });
    const port = await within(
      new Promise<string>((resolve) => {
        const check = () => {
          const match = /on http:\/\/localhost:(\d+)/.exec(again.stdout());
          if (match && again.stdout().includes('Admin token:')) resolve(match[1]!);
        };
        again.child.stdout?.on('data', check);
      }),
      20_000,
      'wh serve after recovery',
    );
    expect(again.stdout()).toContain('make another with: wh token create --role admin');
    const tokens = await fetch(`http://127.0.0.1:${port}/api/tokens`, authed(token));
    expect(tokens.status).toBe(200);
    const names = ((await tokens.json()) as { items: { name: string; role: string }[] }).items;
    expect(names).toContainEqual(expect.objectContaining({ name: 'recovered', role: 'admin' }));
    expect(await stop(again)).toEqual({ code: 0, signal: null });

    const bad = wh(['token', 'create', '--role', 'wizard'], { WH_DATA_DIR: dataDir });
    expect((await within(bad.exited, 30_000, 'wh token create --role wizard')).code).not.toBe(0);
    expect(bad.stderr()).toContain('expected one of admin, operator, approver, viewer, worker');
  }, 90_000);
});
