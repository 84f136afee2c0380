/**
 * bench:overhead's installation: a real git repository; a project whose four stage agents are shell scripts
 * on the `command` backend that sleep, then leave what their stage needs to pass on evidence; the real
 * Worker with the real handlers, opened and configured as `wh serve` opens and configures its own (default
 * poll, woken by NOTIFY; agents in bubblewrap where it runs). Returns each stage job's timings, as the
 * database and the agent itself recorded them.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, isNotNull, or, sql } from 'drizzle-orm';
import { loadSettings } from '../../src/config/settings.ts';
import type { Db } from '../../src/db/client.ts';
import { jobs, tasks } from '../../src/db/schema.ts';
import { detectSandbox, workerHandlers } from '../../src/server/agent-setup.ts';
import { openConfiguredDatabase } from '../../src/server/open.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { createTask } from '../../src/services/tasks.ts';
import { commitAll, git, mainCheckout, openRepository } from '../../src/worker/git.ts';
import { Worker } from '../../src/worker/worker.ts';

/** One stage job, in milliseconds. Its overhead is queueMs + beforeMs + afterMs. */
export interface StageTiming {
  stage: string;
  /** Queued (in the previous stage's verdict, or by createTask) -> claimed by the worker. */
  queueMs: number;
  /** Claimed -> the agent's first line runs: work context, worktree, prompt, sandbox, spawn. */
  beforeMs: number;
  /** The agent's own time, its first line to its last. */
  agentMs: number;
  /** The agent's last line -> its verdict applied: exit, log, evidence, gates, commit, merge, the write. */
  afterMs: number;
}

const PASS = JSON.stringify({ status: 'pass', summary: 'ok', findings: [] });
/** What each stage's agent leaves for its stage to pass. DEV: a change (a page, so nothing to document). */
const LEAVES: Record<string, string> = {
  dev: 'echo "$started" > "$(basename "$PWD").md"',
  qa: `echo '${PASS}' > bugs.json`,
  sec: `echo '${PASS}' > security_report.json`,
  docs: `echo '${PASS}' > docs_report.json`,
};
const STAMP = 'wh-bench-agent';

/** One script per role: it stamps its start, reads its prompt, sleeps, does its part, stamps its end. */
function writeAgents(folder: string, seconds: number): Record<string, { backend: string; binary: string }> {
  mkdirSync(folder);
  const roles = Object.entries(LEAVES).map(([role, leave]) => {
    const binary = join(folder, `${role}.sh`);
    const lines = ['#!/bin/sh', 'started=$(date +%s%3N)', 'cat > /dev/null', `sleep ${seconds}`, leave];
    writeFileSync(binary, `${[...lines, `echo "${STAMP} $started $(date +%s%3N)"`].join('\n')}\n`);
    chmodSync(binary, 0o755);
    return [role, { backend: 'command', binary }] as const;
  });
  return Object.fromEntries(roles);
}

async function makeRepository(repo: string): Promise<void> {
  await git(tmpdir(), ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# bench:overhead\n');
  await commitAll(mainCheckout(await openRepository(repo)), 'initial');
}

/** Until every task of the run is complete; a job that failed or a verdict that did not pass stops it. */
async function untilComplete(db: Db, runId: number, deadline: number): Promise<void> {
  for (;;) {
    const left = await db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(eq(tasks.runId, runId), sql`${tasks.pipelineStage} <> 'complete'`));
    if (left.length === 0) return;
    const [wrong] = await db
      .select({ stage: jobs.stage, error: jobs.lastError, report: jobs.report })
      .from(jobs)
      .where(
        and(
          eq(jobs.runId, runId),
          or(
            // A failed attempt: retried (queued again) or given up.
            and(isNotNull(jobs.lastError), sql`${jobs.state} in ('queued', 'failed', 'dead')`),
            sql`${jobs.report}->'verdict'->>'pass' = 'false'`,
          ),
        ),
      );
    if (wrong)
      throw new Error(
        `the ${wrong.stage} stage did not pass: ${wrong.error ?? JSON.stringify(wrong.report)}`,
      );
    if (Date.now() > deadline) throw new Error(`run ${runId}: ${left.length} task(s) not complete in time`);
    await sleep(500);
  }
}

async function stageTimings(db: Db, runId: number): Promise<StageTiming[]> {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'stage')))
    .orderBy(asc(jobs.id));
  return rows.map((job) => {
    const stamps = new RegExp(`${STAMP} (\\d+) (\\d+)`).exec(job.log);
    if (!stamps) throw new Error(`the ${job.stage} job's log has no stamps from its agent: ${job.log}`);
    const [agentStart, agentEnd] = [Number(stamps[1]), Number(stamps[2])];
    const [queued, claimed, applied] = [job.createdAt, job.startedAt!, job.finishedAt!].map((at) =>
      at.getTime(),
    ) as [number, number, number];
    return {
      stage: job.stage!,
      queueMs: claimed - queued,
      beforeMs: agentStart - claimed,
      agentMs: agentEnd - agentStart,
      afterMs: applied - agentEnd,
    };
  });
}

/**
 * Runs `taskCount` tasks through DEV -> QA -> SEC -> DOCS -> COMPLETE, each waiting for the one before (so
 * one stage runs at a time), on PostgreSQL at `databaseUrl` or, without one, on PGlite in a data folder.
 */
export async function runPipeline(
  databaseUrl: string | null,
  taskCount: number,
  seconds: number,
): Promise<StageTiming[]> {
  const root = mkdtempSync(join(tmpdir(), 'wh-bench-overhead-'));
  try {
    const repo = join(root, 'repo');
    await makeRepository(repo);
    const settings = loadSettings({
      WH_DATA_DIR: join(root, 'data'),
      AUTO_TRIGGER_AGENTS: 'true',
      LOG_LEVEL: 'silent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    const sandbox = detectSandbox(settings);
    const opened = await openConfiguredDatabase(settings);
    try {
      const { db } = opened.database;
      // As `wh serve` starts its worker: production poll, lease and check intervals, two slots.
      const worker = new Worker({
        database: opened.database,
        handlers: workerHandlers(settings, sandbox),
        concurrency: 2,
      });
      await worker.start();
      try {
        const ctx = { db, settings: { autoTriggerAgents: true }, actor: 'bench' };
        const project = await createProject(ctx, {
          name: 'overhead-bench',
          repository: repo,
          defaultBranch: 'main',
          // The test gate costs what a project command costs to run, not a test suite.
          testCommand: 'true',
          settings: {
            roles: writeAgents(join(root, 'agents'), seconds),
            ...(sandbox.available ? {} : { sandbox: { allowUnsandboxed: true } }),
          },
        });
        const { run } = await createRun(ctx, { projectId: project.id, goal: 'overhead', skipPlanning: true });
        let previous: number | null = null;
        for (let i = 1; i <= taskCount; i++) {
          const dependsOn: number[] = previous === null ? [] : [previous];
          previous = (await createTask(ctx, { runId: run.id, title: `Task ${i}`, dependsOn })).task.id;
        }
        await untilComplete(db, run.id, Date.now() + taskCount * 4 * (seconds + 60) * 1000);
        return await stageTimings(db, run.id);
      } finally {
        await worker.stop();
      }
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
