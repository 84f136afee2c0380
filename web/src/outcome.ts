/**
 * How a task stands, in one short line a supervisor can act on: what runs, what waits and for whom, what
 * failed and why. A card with no open job used to show nothing, so a dead task looked healthy; this reads
 * the task's open job, its last finished job and its pending escalation instead.
 */
import type { BoardJob, BoardTask } from './api.ts';

export type Tone = 'error' | 'warn' | 'info' | 'ok' | 'muted';

export interface TaskOutcome {
  tone: Tone;
  /** A few words: "failed", "waits for #3", "escalated". */
  text: string;
  /** Why, when there is a reason to give (the job's error, the stage's failed checks). */
  reason: string | null;
  /** The escalation approval a person must decide, when one holds the task. */
  approvalId: number | null;
  /** The job the outcome is about (to retry, or to read its log). */
  jobId: number | null;
}

const CONFLICT = /conflict|merge of .* was not concluded/i;

/** The first line of a job's error or of its stage's first failed check. */
export function jobReason(job: Pick<BoardJob, 'verdict' | 'last_error'>): string | null {
  if (job.verdict && !job.verdict.pass) return job.verdict.reasons[0] ?? 'its checks failed';
  const error = job.last_error?.trim();
  return error ? (error.split('\n', 1)[0] ?? null) : null;
}

function outcome(tone: Tone, text: string, job: BoardJob | null, reason: string | null = null): TaskOutcome {
  return { tone, text, reason, approvalId: null, jobId: job?.id ?? null };
}

/** Where a stage job ended when it sent its task back (a failed check) or blocked it (a conflict). */
function sentBack(last: BoardJob): TaskOutcome | null {
  if (!last.verdict || last.verdict.pass) return null;
  const reason = jobReason(last);
  const stage = last.stage ?? last.kind;
  if (reason && CONFLICT.test(reason)) return outcome('warn', 'blocked by a conflict', last, reason);
  return outcome('warn', `${stage} failed its checks`, last, reason);
}

/** Reads only what the board answers of a task (a full task view has all of it). */
export function taskOutcome(task: BoardTask): TaskOutcome {
  const current = task.current_job;
  const last = task.last_finished_job;
  if (task.escalation_id !== null) {
    return {
      tone: 'warn',
      text: 'escalated: waits for a decision',
      reason: `${task.loop_backs} trips back to dev`,
      approvalId: task.escalation_id,
      jobId: current?.id ?? null,
    };
  }
  if (current) {
    const back = last && last.id < current.id && current.stage === 'dev' ? sentBack(last) : null;
    if (current.state === 'running')
      return outcome('info', `running ${current.backend ?? current.role}`, current);
    if (back) return { ...back, text: `${back.text}; back in dev (${current.state})`, jobId: current.id };
    if (current.state === 'held')
      return outcome(
        'muted',
        current.held_by_pause ? 'held: the run is paused' : 'held: waits for a trigger',
        current,
      );
    if (current.attempt > 1 && current.last_error)
      return outcome('warn', `queued, attempt ${current.attempt}`, current, jobReason(current));
    return outcome('muted', 'queued', current);
  }
  if (task.blocked_by.length > 0) return outcome('muted', `waits for #${task.blocked_by.join(', #')}`, null);
  if (task.pipeline_stage === 'complete') return outcome('ok', 'complete', last);
  if (!last) return outcome('muted', 'no job yet', null);
  if (last.state === 'dead') return outcome('error', 'dead: out of attempts', last, jobReason(last));
  if (last.state === 'failed') return outcome('error', 'failed', last, jobReason(last));
  if (last.state === 'cancelled') return outcome('muted', 'cancelled', last, jobReason(last));
  return sentBack(last) ?? outcome('muted', `${last.stage ?? last.kind} done; nothing open`, last);
}
