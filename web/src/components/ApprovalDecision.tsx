import { useEffect, useRef, useState } from 'react';
import { ApiError, type Approval, api, type Decision, errorText, type RaisedBudget } from '../api.ts';

interface Outcome {
  ok: boolean;
  text: string;
}

function decidedText(approval: Approval): string {
  const verb = approval.state === 'approved' ? 'Approved' : 'Rejected';
  if (approval.kind === 'deploy')
    return approval.state === 'approved'
      ? `${verb} #${approval.id}: run #${approval.run_id} is being deployed.`
      : `${verb} #${approval.id}: run #${approval.run_id} stays ready for commit.`;
  if (approval.kind === 'budget')
    return approval.state === 'approved'
      ? `${verb} #${approval.id}: run #${approval.run_id} goes on with its raised budget.`
      : `${verb} #${approval.id}: run #${approval.run_id} stays paused at its budget.`;
  return approval.state === 'approved'
    ? `${verb} #${approval.id}: task #${approval.task_id} goes back to dev.`
    : `${verb} #${approval.id}: the held dev job is cancelled; task #${approval.task_id} waits for a person.`;
}

function failureText(id: number, error: unknown): string {
  if (error instanceof ApiError && error.code === 'WH_APPROVAL_DECIDED') {
    const state = (error.details as { current_state?: unknown } | null)?.current_state;
    return `Approval #${id} was already decided by someone else${typeof state === 'string' ? ` (${state})` : ''}, so your decision was not recorded. What the page shows now is up to date.`;
  }
  return `Could not decide approval #${id}: ${errorText(error)}`;
}

/**
 * Deciding approvals from a page: which one is being decided, and what came of the last decision.
 * `onSettled` runs after every attempt, won or lost, so the page shows the approval as it now is.
 */
export function useDecide(onSettled: () => void) {
  const [busy, setBusy] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const decide = async (approval: Approval, decision: Decision, note: string, budget?: RaisedBudget) => {
    setBusy(approval.id);
    setOutcome(null);
    try {
      const done = await api.decideApproval(approval.id, decision, note.trim() || undefined, budget);
      setOutcome({ ok: true, text: decidedText(done) });
    } catch (error) {
      setOutcome({ ok: false, text: failureText(approval.id, error) });
    } finally {
      setBusy(null);
      onSettled();
    }
  };
  return { busy, outcome, decide };
}

/** The result of the last decision, focused so keyboard and screen-reader users land on it. */
export function OutcomeNote({ outcome }: { outcome: Outcome | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome) ref.current?.focus();
  }, [outcome]);
  if (!outcome) return null;
  return (
    <p
      ref={ref}
      tabIndex={-1}
      className={outcome.ok ? 'note note-ok' : 'note note-error'}
      role={outcome.ok ? 'status' : 'alert'}
    >
      {outcome.text}
    </p>
  );
}
