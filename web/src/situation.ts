/**
 * A run's real situation in one line: what runs, what is held and why, what failed and why, and the one
 * thing the user can do about it. "The PM agent is planning this run" while its job waited for a trigger,
 * or a green "Released 4 held jobs" over four jobs that died at once, left a supervisor guessing.
 */
import type { BoardTask, Job, Run } from './api.ts';
import { plural } from './format.ts';
import { jobReason, type Tone, taskOutcome } from './outcome.ts';

export type SituationAction =
  | { kind: 'retry'; jobId: number; label: string }
  | { kind: 'trigger' }
  | { kind: 'resume' }
  | { kind: 'decide'; approvalId: number | null };

export interface Situation {
  tone: Tone;
  text: string;
  action: SituationAction | null;
}

/** The run-level job each phase waits on; the Run page reads the newest of that kind. */
export function phaseJobKind(phase: Run['phase']): Job['kind'] | null {
  if (phase === 'planning') return 'planning';
  if (phase === 'testing') return 'integration_test';
  if (phase === 'deploying') return 'deploy';
  return null;
}

const WHAT: Record<string, string> = {
  planning: 'the PM agent’s planning',
  integration_test: 'the integration test',
  deploy: 'the deploy',
};

/** The situation while a run waits on one run-level job (its plan, its integration test, its deploy). */
function phaseJobSituation(job: Job | null, what: string): Situation {
  if (!job) return { tone: 'warn', text: `No job is open for ${what}.`, action: null };
  const retry = { kind: 'retry' as const, jobId: job.id, label: `Retry ${what}` };
  switch (job.state) {
    case 'running':
      return {
        tone: 'info',
        text: `${capital(what)} is running (${job.backend ?? job.role}).`,
        action: null,
      };
    case 'queued':
      return { tone: 'info', text: `${capital(what)} is queued: a worker takes it next.`, action: null };
    case 'held':
      return job.held_by_pause
        ? { tone: 'muted', text: `Paused: ${what} waits until you resume.`, action: { kind: 'resume' } }
        : {
            tone: 'muted',
            text: `Nothing runs: ${what} is held until you trigger it.`,
            action: { kind: 'trigger' },
          };
    case 'failed':
    case 'dead':
      return {
        tone: 'error',
        text: `${capital(what)} ${job.state === 'dead' ? 'died' : 'failed'}: ${jobReason(job) ?? 'no reason recorded'}.`,
        action: retry,
      };
    case 'cancelled':
      return { tone: 'warn', text: `${capital(what)} was cancelled.`, action: retry };
    default:
      return { tone: 'info', text: `${capital(what)} finished.`, action: null };
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function building(run: Run, tasks: readonly BoardTask[]): Situation {
  const open = tasks.filter((task) => task.pipeline_stage !== 'complete');
  const outcomes = open.map((task) => ({ task, outcome: taskOutcome(task) }));
  const failed = outcomes.filter(({ outcome }) => outcome.tone === 'error');
  const escalated = outcomes.filter(({ outcome }) => outcome.approvalId !== null);
  const running = open.filter((task) => task.current_job?.state === 'running').length;
  const queued = open.filter((task) => task.current_job?.state === 'queued').length;
  const held = open.filter(
    (task) => task.current_job?.state === 'held' && task.escalation_id === null,
  ).length;
  const waiting = open.filter((task) => !task.current_job && task.blocked_by.length > 0).length;
  const parts: string[] = [];
  if (running) parts.push(`${running} running`);
  if (queued) parts.push(`${queued} queued`);
  if (held) parts.push(`${held} held ${run.paused ? '(the run is paused)' : 'until you trigger them'}`);
  if (waiting) parts.push(`${waiting} waiting for other tasks`);
  if (escalated.length) parts.push(`${plural(escalated.length, 'escalation')} to decide`);
  const first = failed[0];
  if (first)
    parts.push(
      `${failed.length} failed (#${first.task.id} ${first.outcome.text}: ${first.outcome.reason ?? 'no reason recorded'})`,
    );
  if (open.length === 0)
    return {
      tone: 'ok',
      text: 'Every task is complete; the run moves on to its integration test.',
      action: null,
    };
  const text = parts.length > 0 ? `${capital(parts.join(', '))}.` : 'Nothing runs and nothing waits for you.';
  if (first?.outcome.jobId)
    return {
      tone: 'error',
      text,
      action: { kind: 'retry', jobId: first.outcome.jobId, label: `Retry #${first.task.id}` },
    };
  if (escalated[0])
    return { tone: 'warn', text, action: { kind: 'decide', approvalId: escalated[0].outcome.approvalId } };
  if (run.paused) return { tone: 'muted', text, action: { kind: 'resume' } };
  if (held && !running && !queued) return { tone: 'muted', text, action: { kind: 'trigger' } };
  return { tone: running || queued ? 'info' : 'muted', text, action: null };
}

export function runSituation(run: Run, tasks: readonly BoardTask[], phaseJob: Job | null): Situation {
  switch (run.phase) {
    case 'planning':
    case 'testing':
    case 'deploying': {
      const what = WHAT[phaseJobKind(run.phase)!]!;
      if (run.paused && phaseJob?.state !== 'running')
        return { tone: 'muted', text: `Paused: ${what} waits until you resume.`, action: { kind: 'resume' } };
      return phaseJobSituation(phaseJob, what);
    }
    case 'building':
      return building(run, tasks);
    case 'ready_for_commit':
      return {
        tone: 'info',
        text: 'Ready for commit: trigger the pipeline to ask for the deploy approval.',
        action: { kind: 'trigger' },
      };
    case 'awaiting_approval':
      return {
        tone: 'warn',
        text: 'Waits for a person to approve the deploy.',
        action: { kind: 'decide', approvalId: null },
      };
    case 'deployed':
      return { tone: 'ok', text: 'Deployed.', action: null };
    case 'failed':
      return { tone: 'error', text: 'The run failed.', action: null };
    case 'killed':
      return { tone: 'muted', text: 'The run was killed.', action: null };
  }
}
