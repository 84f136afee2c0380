/**
 * Two `wh migrate` processes started at once on one empty PostgreSQL database: the advisory lock lets one
 * migrate while the other waits; both succeed and the default role prompts are loaded once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, uniqueName } from '../support/postgres.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const JOURNAL = join(ROOT, 'src/db/migrations/meta/_journal.json');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
const dataDirs: string[] = [];
const databases: string[] = [];
let url = '';

function runMigrate(dataDir: string): Promise<Outcome> {
  const { DATABASE_URL: _url, WH_DATA_DIR: _dir, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/wh.js', 'migrate'], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: url, WH_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The race is timing-dependent, so it is run a few times, each on a fresh empty database. */
describe('wh migrate run twice at once', () => {
  it.each([1, 2, 3])(
    'round %i: migrates once, both succeed, role prompts seeded once',
    async () => {
      const name = uniqueName('wh_migrate_race');
      databases.push(name);
      url = await createDatabase(name);
      const dirs = [mkdtempSync(join(tmpdir(), 'wh-')), mkdtempSync(join(tmpdir(), 'wh-'))];
      dataDirs.push(...dirs);
      const outcomes = await Promise.all(dirs.map((dir) => runMigrate(dir)));

      for (const outcome of outcomes) {
        expect(outcome, outcome.stderr.slice(0, 300)).toMatchObject({ code: 0, signal: null });
        expect(outcome.stdout).toContain('migrations applied');
      }

      const journal = JSON.parse(readFileSync(JOURNAL, 'utf8')) as { entries: unknown[] };
      const [applied] = await query<{ count: number }>(
        'select count(*)::int as count from drizzle.__drizzle_migrations',
      );
      expect(applied?.count).toBe(journal.entries.length);

      const tables = await query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = 'public'",
      );
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['projects', 'runs', 'tasks', 'jobs', 'events', 'role_configs', 'api_tokens']),
      );

      const [roles] = await query<{ count: number; distinct: number }>(
        'select count(*)::int as count, count(distinct role)::int as distinct from role_configs',
      );
      expect(roles).toEqual({ count: 7, distinct: 7 });
      const [seeded] = await query<{ count: number }>(
        "select count(*)::int as count from events where type = 'role_config.seeded'",
      );
      expect(seeded?.count).toBe(1);
    },
    60_000,
  );
});
