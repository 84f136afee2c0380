/**
 * Shared by the queue process tests: a PostgreSQL test database with a `test_results` table and a run,
 * real `wh worker` child processes on it (killed in `cleanup`, SIGCONT first for stopped ones), and
 * queries about jobs, results and events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SQL, sql } from 'drizzle-orm';
import type { ServiceContext } from '../../src/services/context.ts';
import { enqueueJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { seedDefaultRoleConfigs } from '../../src/services/role-configs.ts';
import { createRun } from '../../src/services/runs.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { isAlive } from '../support/processes.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** The worker id it prints when started. */
  id: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export interface JobRow {
  id: number;
  state: string;
  attempt: number;
  lease_owner: string | null;
  lease_token: string | null;
  report: unknown;
}

export interface QueueHarness {
  database: TestDatabase;
  ctx: ServiceContext;
  runId: number;
  /** Starts `wh worker --handlers test/support/queue-handlers.ts <args>`. */
  startWorker(...args: string[]): WorkerProcess;
  rows<T>(query: SQL): Promise<T[]>;
  job(id: number): Promise<JobRow>;
  enqueue(kind: string, payload: Record<string, unknown>, runId?: number): Promise<number>;
  /** A probe for `waitFor`: all these jobs are running, leased to this worker. */
  runningOn(ids: number[], workerId: string): () => Promise<boolean>;
  allSucceeded(ids: number[]): Promise<boolean>;
  results(jobId: number): Promise<{ attempt: number; worker: string }[]>;
  jobEvents(jobId: number, type: string): Promise<{ actor: string; payload: Record<string, unknown> }[]>;
  /** Remembers a process to SIGKILL in `cleanup` should a test leave it behind. */
  track(pid: number): void;
  /** Kills every worker and tracked process and cancels open jobs: for afterEach. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 10_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const idArray = (ids: number[]) => `{${ids.join(',')}}`;

/** `url`: a PostgreSQL server of the test's own instead of a fresh database on the shared one. */
export async function openQueueHarness(name: string, url?: string): Promise<QueueHarness> {
  const database = await openTestDatabase(url ? { url } : {});
  const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  const dataDir = mkdtempSync(join(tmpdir(), 'wh-queue-'));
  const live = new Set<WorkerProcess>();
  const tracked = new Set<number>();
  await seedDefaultRoleConfigs(ctx);
  await database.db.execute(
    sql`create table test_results (job_id bigint, attempt int, worker text, unique (job_id, attempt))`,
  );
  const project = await createProject(ctx, { name, repository: '/repo' });
  const runId = (await createRun(ctx, { projectId: project.id, goal: name, skipPlanning: true })).run.id;
  const rows = async <T>(query: SQL) =>
    (await database.db.execute<Record<string, unknown>>(query)).rows as T[];

  function startWorker(...args: string[]): WorkerProcess {
    const child = spawn(
      process.execPath,
      ['bin/wh.js', 'worker', '--handlers', 'test/support/queue-handlers.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: database.url!, WH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    const id = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /worker (\S+) started/.exec(text);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`worker exited before starting: ${text}`)));
    });
    id.catch(() => {});
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const worker: WorkerProcess = { child, pid: child.pid!, id, exit, output: () => text };
    live.add(worker);
    void exit.then(() => live.delete(worker));
    return worker;
  }

  return {
    database,
    ctx,
    runId,
    startWorker,
    rows,
    async job(id) {
      const [row] = await rows<JobRow>(
        sql`select id::int, state, attempt, lease_owner, lease_token, report from jobs where id = ${id}`,
      );
      return row!;
    },
    async enqueue(kind, payload, inRun = runId) {
      return (await enqueueJob(ctx, { kind, runId: inRun, payload })).id;
    },
    runningOn(ids, workerId) {
      return async () => {
        const [held] = await rows<{ n: number }>(sql`select count(*)::int as n from jobs
          where id = any(${idArray(ids)}::bigint[]) and state = 'running' and lease_owner = ${workerId}`);
        return held!.n === ids.length;
      };
    },
    async allSucceeded(ids) {
      const [done] = await rows<{ n: number }>(sql`select count(*)::int as n from jobs
        where id = any(${idArray(ids)}::bigint[]) and state = 'succeeded'`);
      return done!.n === ids.length;
    },
    results: (jobId) =>
      rows(sql`select attempt, worker from test_results where job_id = ${jobId} order by attempt`),
    jobEvents: (jobId, type) =>
      rows(sql`select actor, payload from events where job_id = ${jobId} and type = ${type} order by id`),
    track: (pid) => tracked.add(pid),
    async cleanup() {
      const exits = [...live].map((worker) => {
        worker.child.kill('SIGCONT');
        worker.child.kill('SIGKILL');
        return worker.exit;
      });
      await Promise.all(exits);
      for (const pid of tracked) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      tracked.clear();
      await database.db.execute(
        sql`update jobs set state = 'cancelled' where state in ('held', 'queued', 'running')`,
      );
    },
    async close() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
