/** What `GET /api/status` reports: enough to tell at a glance whether Workhorse is healthy. */
import { desc, isNull, sql } from 'drizzle-orm';
import type { SandboxStatus } from '../agents/sandbox.ts';
import type { Database } from '../db/client.ts';
import { migrationStatus } from '../db/migrate.ts';
import { jobs, workers } from '../db/schema.ts';
import { JOB_STATES, type JobState } from '../domain/job-states.ts';

export async function systemStatus(
  database: Database,
  startedAt: Date,
  version: string,
  sandbox: SandboxStatus,
) {
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
  return {
    version,
    database: database.kind,
    migrations: await migrationStatus(db),
    queue,
    workers: live,
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    sandbox: {
      available: sandbox.available,
      problem: sandbox.problem,
      allowUnsandboxed: sandbox.allowUnsandboxed,
    },
  };
}
