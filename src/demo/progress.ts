/**
 * The demo's progress lines: one per event worth a person's attention (a phase, a plan, a stage's verdict,
 * a finding, a fix task), in words; everything else (job bookkeeping, log chunks) says nothing.
 */
import type { WhEvent } from '../contracts/events.ts';

const text = (value: unknown) => (typeof value === 'string' ? value : String(value ?? ''));
export const STAGE_NAMES: Record<string, string> = { dev: 'DEV', qa: 'QA', sec: 'SEC', docs: 'DOCS' };
export const stageName = (stage: unknown) => STAGE_NAMES[text(stage)] ?? text(stage);

const ids = (value: unknown) => (Array.isArray(value) ? value.map(text) : []);

function stageResult(event: WhEvent): string {
  const move = stageMove(event);
  const fixes = ids(event.payload.fix_task_ids);
  return fixes.length ? `${move}; fix task ${fixes.join(', ')} made from a minor finding` : move;
}

function stageMove(event: WhEvent): string {
  const { from, to, result, reasons, loop_back: loopBack } = event.payload;
  const task = `task ${event.task_id}`;
  if (loopBack) {
    const why = Array.isArray(reasons) && reasons.length ? `: ${reasons.map(text).join('; ')}` : '';
    return `${task}: ${stageName(from)} failed it, back to DEV${why}`;
  }
  if (to === 'complete')
    return `${task}: ${stageName(from)} passed, task complete (merged into the run branch)`;
  return `${task}: ${stageName(from)} ${text(result) === 'pass' ? 'passed' : text(result)}, on to ${stageName(to)}`;
}

/** The line for `event`, or null when it is not worth one. */
export function progressLine(event: WhEvent): string | null {
  const payload = event.payload;
  switch (event.type) {
    case 'run.phase_changed':
      return `run ${event.run_id}: ${text(payload.from)} -> ${text(payload.to)}`;
    case 'run.planned':
      return `run ${event.run_id}: the PM planned task(s) ${ids(Object.values(event.payload.task_ids ?? {})).join(', ')}`;
    case 'task.created':
      return `task ${event.task_id} created: ${text(payload.title)}`;
    case 'task.stage_result':
      return stageResult(event);
    case 'finding.created':
      return `finding ${text(payload.finding_id)} (${text(payload.source)}, ${text(payload.severity)}): ${text(payload.issue)}`;
    case 'run.tested':
      return `run ${event.run_id}: its test \`${text(payload.command)}\` ${payload.passed ? 'passed' : 'failed'} on the run branch`;
    case 'approval.decided':
      return `approval ${text(payload.approval_id)} (${text(payload.kind)}): ${text(payload.state)} by ${event.actor ?? 'someone'}`;
    case 'run.deployed':
      return `run ${event.run_id}: released as ${text(payload.released_commit).slice(0, 12)} and deployed (exit ${text(payload.exit_code)})`;
    case 'run.deploy_failed':
      return `run ${event.run_id}: the deploy failed (exit ${text(payload.exit_code)}); a fix task was made`;
    case 'job.retry_scheduled':
      return `job ${event.job_id} will be tried again: ${text(payload.error)}`;
    case 'job.failed':
    case 'job.dead':
      return `job ${event.job_id} failed: ${text(payload.error)}`;
    default:
      return null;
  }
}
