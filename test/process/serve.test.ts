import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
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
