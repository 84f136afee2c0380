/**
 * The agent CLI probe: `<cli> --version` runs a real program, so it gets what any program needs to run and
 * none of the server's secrets (its database address, its API keys); and the look along PATH is kept for
 * 30 seconds, since `/api/status` is polled.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBackends } from './backend-check.ts';

const SERVER_ONLY = {
  DATABASE_URL: 'postgres://workhorse:hunter2-hunter2@db/workhorse',
  WH_PROBE_TEST_API_KEY: 'sk-server-only-0123456789',
};

afterEach(() => {
  for (const name of Object.keys(SERVER_ONLY)) delete process.env[name];
});

describe('findBackends', () => {
  it("probes each CLI's version with the base environment, not the server's secrets", async () => {
    Object.assign(process.env, SERVER_ONLY);
    const bin = mkdtempSync(join(tmpdir(), 'wh-probe-bin-'));
    const seen = join(bin, 'environment-seen');
    // `export -p` is the shell's own: the fake CLI needs nothing from PATH to tell what it was given.
    writeFileSync(join(bin, 'goose'), `#!/bin/sh\nexport -p > '${seen}'\necho "goose 1.2.3"\n`);
    chmodSync(join(bin, 'goose'), 0o755);

    const goose = (await findBackends(bin)).find((backend) => backend.name === 'goose');

    expect(goose).toEqual({ name: 'goose', path: join(bin, 'goose'), version: 'goose 1.2.3' });
    const environment = readFileSync(seen, 'utf8');
    expect(environment).toMatch(/^export PATH=/m);
    for (const [name, value] of Object.entries(SERVER_ONLY)) {
      expect(environment).not.toContain(name);
      expect(environment).not.toContain(value);
    }
  });

  it('keeps a look along PATH for 30 seconds, then looks again', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'wh-probe-bin-'));
    const start = Date.now();
    const gooseIn = async (now: number) =>
      (await findBackends(bin, now)).find((backend) => backend.name === 'goose')?.path;
    expect(await gooseIn(start)).toBeNull();

    writeFileSync(join(bin, 'goose'), '#!/bin/sh\necho "goose 1.2.3"\n');
    chmodSync(join(bin, 'goose'), 0o755);
    expect(await gooseIn(start + 29_999)).toBeNull();
    expect(await gooseIn(start + 30_000)).toBe(join(bin, 'goose'));
  });
});
