/** Gates run the project's commands like an agent: allowlisted environment, tree kill on timeout. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../agents/process-tree.ts';
import { runGate } from './gates.ts';

const dir = mkdtempSync(join(tmpdir(), 'wh-gates-'));
const hostEnv = { PATH: process.env.PATH, HOME: dir, WH_CANARY_SECRET: 'canary-gate-77', SHARED: 'yes' };
const options = { cwd: dir, timeoutSeconds: 20, passEnv: ['SHARED'], hostEnv, killGraceMs: 300 };

async function until(probe: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !probe()) await new Promise((resolve) => setTimeout(resolve, 50));
  return probe();
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runGate', () => {
  it('passes on exit 0, with the allowlisted environment and CI=true', async () => {
    const gate = await runGate('test', 'echo "canary=[$WH_CANARY_SECRET] shared=$SHARED ci=$CI"', options);
    expect(gate).toEqual({
      name: 'test',
      command: 'echo "canary=[$WH_CANARY_SECRET] shared=$SHARED ci=$CI"',
      ok: true,
      exitCode: 0,
      outputTail: 'canary=[] shared=yes ci=true',
    });
  });

  it('fails with the exit code and the end of its output', async () => {
    const gate = await runGate('lint', 'echo one; echo two >&2; exit 4', options);
    expect(gate).toMatchObject({ ok: false, exitCode: 4, outputTail: 'one\ntwo' });
  });

  it('stops the whole tree on timeout, a grandchild ignoring SIGTERM included', async () => {
    const pidFile = join(dir, 'gate-gc.pid');
    const started = Date.now();
    const gate = await runGate('test', `sh -c 'trap "" TERM; sleep 300' & echo $! > "${pidFile}"; wait`, {
      ...options,
      timeoutSeconds: 1,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(gate.ok).toBe(false);
    expect(gate.exitCode).toBeNull();
    expect(gate.outputTail).toContain('[timed out after 1 s]');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await until(() => !isAlive(grandchild), 5000)).toBe(true);
  });

  it('stops when its job is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const gate = await runGate('test', 'sleep 30', { ...options, signal: controller.signal });
    expect(gate).toMatchObject({ ok: false, exitCode: null });
  });
});
