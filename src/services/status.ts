/**
 * What `GET /api/status` reports: enough to tell at a glance whether Workhorse is healthy. While the
 * database is out of reach it still answers, from what this process knows: the queue, workers and
 * migrations are null then, and `connection` says since when it is down.
 */
import { desc, isNull, sql } from 'drizzle-orm';
import type { SandboxStatus } from '../agents/sandbox.ts';
import type { Database } from '../db/client.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import { migrationStatus } from '../db/migrate.ts';
import { jobs, workers } from '../db/schema.ts';
import { JOB_STATES, type JobState } from '../domain/job-states.ts';

export async function systemStatus(
  database: Database,
  startedAt: Date,
  version: string,
  sandbox: SandboxStatus,
) {
  const health = database.health.snapshot();
  const base = {
    version,
    database: database.kind,
    connection: {
      reachable: health.reachable,
      listening: health.listening,
      outages: health.outages,
      downSince: health.downSince,
      listenerPid: database.listenerPid?.() ?? null,
    },
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    sandbox: {
      available: sandbox.available,
      problem: sandbox.problem,
      allowUnsandboxed: sandbox.allowUnsandboxed,
    },
  };
  try {
    return { ...base, ...(await queueAndWorkers(database)) };
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    return {
      ...base,
      connection: { ...base.connection, reachable: false },
      migrations: null,
      queue: null,
      workers: null,
    };
  }
}

async function queueAndWorkers(database: Database) {
  const db = database.db;
  const depth = await db
    .select({ state: jobs.state, count: sql<number>`count(*)::int` })
    .from(jobs)
    .groupBy(jobs.state);
  const queue = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
  for (const row of depth) queue[row.state] = row.count;
  const live = await db
    .select()
    .from(workers)
    .where(isNull(workers.stoppedAt))
    .orderBy(desc(workers.lastHeartbeatAt));
  return { migrations: await migrationStatus(db), queue, workers: live };
}
