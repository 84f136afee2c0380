/**
 * What the director role's agent is shown of a run (its role prompt promises it): the run, its tasks with
 * stage and loop-backs, their open findings and notes already given, and the run's recent jobs. One read.
 */
import { asc, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { findings, jobs, taskNotes, tasks } from '../db/schema.ts';
import { JOB_COLUMNS_WITHOUT_LOG } from './steps/jobs.ts';
import type { Run } from './steps/load.ts';

/** The newest jobs shown: enough to see what keeps failing, not a whole history. */
const RECENT_JOBS = 40;
const LONG_TEXT = 500;

const clip = (text: string | null) =>
  text && text.length > LONG_TEXT ? `${text.slice(0, LONG_TEXT)}…` : text;

export async function reviewSnapshot(db: Queryable, run: Run): Promise<Record<string, unknown>> {
  const runTasks = await db.select().from(tasks).where(eq(tasks.runId, run.id)).orderBy(asc(tasks.id));
  const open = await db.select().from(findings).where(eq(findings.runId, run.id)).orderBy(asc(findings.id));
  const notes = await db
    .select()
    .from(taskNotes)
    .where(eq(taskNotes.runId, run.id))
    .orderBy(asc(taskNotes.id));
  const recent = await db
    .select(JOB_COLUMNS_WITHOUT_LOG)
    .from(jobs)
    .where(eq(jobs.runId, run.id))
    .orderBy(desc(jobs.id))
    .limit(RECENT_JOBS);
  return {
    run: { id: run.id, goal: run.goal, phase: run.phase, paused: run.paused, branch: run.branch },
    tasks: runTasks.map((task) => ({
      id: task.id,
      title: task.title,
      stage: task.pipelineStage,
      loop_backs: task.loopBacks,
      findings: open
        .filter((finding) => finding.taskId === task.id && finding.status === 'open')
        .map((finding) => ({
          id: finding.id,
          source: finding.source,
          severity: finding.severity,
          issue: clip(finding.issue),
        })),
      notes_given: notes
        .filter((note) => note.taskId === task.id)
        .map((note) => ({
          id: note.id,
          source: note.source,
          body: clip(note.body),
          delivered_job_id: note.deliveredJobId,
        })),
    })),
    jobs: recent.map((job) => ({
      id: job.id,
      kind: job.kind,
      task_id: job.taskId,
      stage: job.stage,
      state: job.state,
      attempt: job.attempt,
      exit_code: job.exitCode,
      started_at: job.startedAt?.toISOString() ?? null,
      finished_at: job.finishedAt?.toISOString() ?? null,
      lease_expires_at: job.leaseExpiresAt?.toISOString() ?? null,
      last_error: clip(job.lastError),
    })),
  };
}
