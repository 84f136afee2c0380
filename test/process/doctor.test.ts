/**
 * `wh doctor` as a user runs it: one line per check with the fix, exit 1 when something needed is missing.
 * The missing parts are real: a PATH without bubblewrap, a PostgreSQL port nothing listens on.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/agents/executables.ts';
import { describePostgresUrl } from '../../src/doctor/database.ts';
import { nodeSupported } from '../../src/doctor/machine.ts';
import { PG_ADMIN_URL } from '../support/postgres.ts';
import { killChildren, tempDir, wh, within } from '../support/wh-process.ts';

afterEach(killChildren);

async function doctor(env: Record<string, string>) {
  const run = wh(['doctor'], env);
  const exit = await within(run.exited, 60_000, 'wh doctor');
  return { code: exit.code, lines: run.stdout().trimEnd().split('\n'), stderr: run.stderr() };
}

/** A PATH holding git only: no bubblewrap, no agent CLI. */
function pathWithGitOnly(): string {
  const bin = join(tempDir(), 'bin');
  mkdirSync(bin);
  symlinkSync(findExecutable('git', process.env.PATH ?? '')!, join(bin, 'git'));
  return bin;
}

describe('wh doctor', () => {
  it('passes on this machine with a fresh data folder, one line per check', async () => {
    const result = await doctor({ WH_DATA_DIR: join(tempDir(), 'data') });
    expect(result.code).toBe(0);
    expect(result.lines.map((line) => line.split(':')[0])).toEqual([
      'ok   node',
      'ok   git',
      expect.stringMatching(/^(ok {2}|warn) git identity$/),
      'ok   bubblewrap',
      'ok   disk',
      'ok   database',
    ]);
    expect(result.lines.at(-1)).toMatch(/PGlite in .*\(made at the first `wh serve`\)$/);
  });

  it('names bubblewrap when it is missing, with the fix, and exits 1', async () => {
    const result = await doctor({ WH_DATA_DIR: join(tempDir(), 'data'), PATH: pathWithGitOnly() });
    expect(result.code).toBe(1);
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^FAIL bubblewrap: bubblewrap \(bwrap\) is not installed.* -> apt install bubblewrap/,
      ),
    );
  });

  it('says a PostgreSQL it cannot reach, never printing the password', async () => {
    const result = await doctor({
      WH_DATA_DIR: join(tempDir(), 'data'),
      DATABASE_URL: 'postgres://wh:s3cret-pw@127.0.0.1:9/nothing',
    });
    expect(result.code).toBe(1);
    expect(result.lines.at(-1)).toMatch(
      /^FAIL database: PostgreSQL at 127\.0\.0\.1:9\/nothing cannot be reached: .*ECONNREFUSED/,
    );
    expect(result.lines.join('\n') + result.stderr).not.toContain('s3cret-pw');
  });

  it('reads the migration level of a PostgreSQL database', async () => {
    const result = await doctor({ WH_DATA_DIR: join(tempDir(), 'data'), DATABASE_URL: PG_ADMIN_URL });
    expect(result.lines.at(-1)).toMatch(/^(ok {2}|warn) database: PostgreSQL at [^,]+, migrations \d+\/\d+/);
  });
});

describe('doctor checks', () => {
  it('knows which Node versions Workhorse runs on', () => {
    expect(['20.19.0', '20.20.2', '22.12.0', '24.1.0'].map(nodeSupported)).toEqual([true, true, true, true]);
    expect(['18.20.0', '20.18.3', '21.7.0', '22.11.0'].map(nodeSupported)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('describes a database URL without its password', () => {
    expect(describePostgresUrl('postgres://u:pw@db.example:6543/work')).toBe(
      'PostgreSQL at db.example:6543/work',
    );
    expect(describePostgresUrl('not a url')).toBe('PostgreSQL (DATABASE_URL is not a URL)');
  });
});
