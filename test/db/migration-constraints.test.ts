/**
 * Migrations 0008 (domain CHECK constraints, int8 for ids that point at int8 ids) and 0009 (stage names a
 * project may choose, a run's own pipeline) on a database that already holds a working run, as an upgrade
 * meets it (PGlite and PostgreSQL): every row survives unchanged, the widened columns hold ids past 2^31,
 * and the database now refuses words the domain does not know.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { TEST_DB_KIND } from '../support/database.ts';
import { createDatabase, dropDatabase, uniqueName } from '../support/postgres.ts';

const MIGRATIONS = new URL('../../src/db/migrations', import.meta.url).pathname;
const BEFORE = 8;

let database: Database;
let dropName: string | null = null;
let before: string;

/** The migrations as they were before 0008: the files of 0000-0007 and a journal that ends there. */
function migrationsBefore(count: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'wh-migrations-'));
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx < count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

/**
 * Every row of the tables the migrations touch, as text, in a stable order. With `columnsOf`, only the
 * columns those rows had then: a column a migration adds is not a change to an existing row.
 */
async function snapshot(columnsOf?: string): Promise<string> {
  const tables = [
    'projects',
    'runs',
    'run_phase_changes',
    'tasks',
    'jobs',
    'findings',
    'role_configs',
    'api_tokens',
    'events',
  ];
  const rows: string[] = [];
  for (const table of tables) {
    // As JSON made by the database: an id is a number there whether its column is int4 or int8.
    const result = await database.db.execute<{ row: string }>(
      sql.raw(`select row_to_json(t)::text as row from ${table} t order by id`),
    );
    rows.push(table, ...result.rows.map((row) => row.row));
  }
  const earlier = columnsOf?.split('\n');
  return rows
    .map((row, index) => {
      if (!row.startsWith('{')) return row;
      const now = JSON.parse(row) as Record<string, unknown>;
      if (!earlier) return JSON.stringify(now);
      const keys = Object.keys(JSON.parse(earlier[index] ?? '{}') as object);
      return JSON.stringify(Object.fromEntries(keys.map((key) => [key, now[key]])));
    })
    .join('\n');
}

beforeAll(async () => {
  if (TEST_DB_KIND === 'pglite') database = await openDatabase({});
  else {
    dropName = uniqueName('wh_upgrade');
    database = await openDatabase({ url: await createDatabase(dropName), poolSize: 2 });
  }
  before = migrationsBefore(BEFORE);
  await migrate(database.db as never, { migrationsFolder: before });
  // Rows as the old schema takes them, written in its own SQL: today's services know only today's schema.
  for (const statement of [
    sql`insert into projects (name, repository) values ('upgrade', '/repo/upgrade')`,
    sql`insert into runs (project_id, goal, phase, branch) values (1, 'an upgrade', 'building', 'wh/run-1')`,
    sql`insert into run_phase_changes (run_id, from_phase, to_phase) values (1, null, 'building')`,
    sql`insert into tasks (run_id, title, pipeline_stage, version, acceptance) values (1, 'work', 'qa', 2, '["it works"]')`,
    sql`insert into jobs (kind, run_id, task_id, role, stage, state, attempt, finished_at)
        values ('stage', 1, 1, 'dev', 'dev', 'cancelled', 1, now()), ('stage', 1, 1, 'qa', 'qa', 'queued', 0, null)`,
    sql`insert into findings (run_id, task_id, source, severity, issue) values (1, 1, 'qa', 'high', 'a bug')`,
    sql`insert into role_configs (role, version, prompt, active) values ('qa', 1, 'check it', true)`,
    sql`insert into api_tokens (name, role, token_hash) values ('ci', 'operator', 'hash-of-a-token')`,
    sql`insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
        values ('task.stage_advanced', 1, 1, 1, 2, 'test', '{"from": "dev", "to": "qa"}')`,
  ])
    await database.db.execute(statement);
}, 60_000);

afterAll(async () => {
  await database?.close();
  if (dropName) await dropDatabase(dropName);
  if (before) rmSync(before, { recursive: true, force: true });
});

describe('upgrading a database with data through migration 0008', () => {
  it('keeps every row as it was', async () => {
    const rows = await snapshot();
    expect(rows).toContain('"pipeline_stage":"qa"');
    await migrateDatabase(database);
    expect(await snapshot(rows)).toBe(rows);
  });

  it('widens the ids that point at int8 ids', async () => {
    const result = await database.db.execute<{
      table_name: string;
      column_name: string;
      data_type: string;
    }>(sql`
      select table_name, column_name, data_type from information_schema.columns
       where (table_name, column_name) in (('events', 'job_id'), ('findings', 'job_id'), ('webhook_deliveries', 'event_id'))
       order by table_name, column_name`);
    expect(result.rows.map((row) => `${row.table_name}.${row.column_name} ${row.data_type}`)).toEqual([
      'events.job_id bigint',
      'findings.job_id bigint',
      'webhook_deliveries.event_id bigint',
    ]);
    const past = 2 ** 40;
    await database.db.execute(
      sql`insert into events (type, job_id, payload) values ('job.output', ${past}, '{}')`,
    );
    const stored = await database.db.execute<{ job_id: string }>(
      sql`select job_id from events where job_id = ${past}`,
    );
    expect(Number(stored.rows[0]!.job_id)).toBe(past);
    await database.db.execute(sql`delete from events where job_id = ${past}`);
  });

  it.each([
    // A project may name stages of its own: the database checks the shape of the name.
    ['a task stage', sql`update tasks set pipeline_stage = 'Review stage'`, 'tasks_stage_name'],
    ['a job stage', sql`update jobs set stage = 'qa; drop table jobs'`, 'jobs_stage_name'],
    ['a run phase', sql`update runs set phase = 'shipping'`, 'runs_phase_known'],
    ['a job state', sql`update jobs set state = 'paused'`, 'jobs_state_known'],
    ['a severity', sql`update findings set severity = 'urgent'`, 'findings_severity_known'],
    ['a finding status', sql`update findings set status = 'done'`, 'findings_status_known'],
    ['a role', sql`update role_configs set role = 'tester'`, 'role_configs_role_known'],
    ['a token role', sql`update api_tokens set role = 'root'`, 'api_tokens_role_known'],
  ])('refuses %s the domain does not know', async (_what, change, constraint) => {
    const failure = await database.db.execute(change).then(
      () => null,
      (error: unknown) => error as { cause?: { constraint?: string; message?: string }; message: string },
    );
    expect(failure).not.toBeNull();
    expect(`${failure!.message} ${failure!.cause?.message ?? ''}`).toContain(constraint);
  });
});
