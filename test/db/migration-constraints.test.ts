/**
 * Migration 0008 (domain CHECK constraints, int8 for ids that point at int8 ids) on a database that already
 * holds a working run, as an upgrade meets it (PGlite and PostgreSQL): every row survives unchanged, the
 * widened columns hold ids past 2^31, and the database now refuses words the domain does not know.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { saveRoleConfig } from '../../src/services/role-configs.ts';
import { createRun } from '../../src/services/runs.ts';
import { advanceStage } from '../../src/services/task-stages.ts';
import { createTask } from '../../src/services/tasks.ts';
import { createToken } from '../../src/services/tokens.ts';
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

/** Every row of the tables the migration touches, as text, in a stable order. */
async function snapshot(): Promise<string> {
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
  return rows.join('\n');
}

beforeAll(async () => {
  if (TEST_DB_KIND === 'pglite') database = await openDatabase({});
  else {
    dropName = uniqueName('wh_upgrade');
    database = await openDatabase({ url: await createDatabase(dropName), poolSize: 2 });
  }
  before = migrationsBefore(BEFORE);
  await migrate(database.db as never, { migrationsFolder: before });
  const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  const project = await createProject(ctx, { name: 'upgrade', repository: '/repo/upgrade' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'an upgrade', skipPlanning: true });
  const { task } = await createTask(ctx, { runId: run.id, title: 'work' });
  await advanceStage(ctx, task.id, { result: 'pass' });
  await database.db.execute(sql`
    insert into findings (run_id, task_id, source, severity, issue) values (${run.id}, ${task.id}, 'qa', 'high', 'a bug')`);
  await saveRoleConfig(ctx, 'qa', { prompt: 'check it' });
  await createToken(ctx, { name: 'ci', role: 'operator' });
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
    expect(await snapshot()).toBe(rows);
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
    ['a task stage', sql`update tasks set pipeline_stage = 'review'`, 'tasks_stage_known'],
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
