import { useState } from 'react';
import { Link } from 'react-router';
import type { Approval, Decision, RaisedBudget, Run, Task } from '../api.ts';
import { isBudgetDetails, type LimitFields, readRaisedLimits, suggestedLimits } from '../budget.ts';
import { dateTime, duration, timeAgo } from '../format.ts';
import { Badge } from './Badge.tsx';
import { BudgetApprovalDetails, RaisedLimitsFields } from './BudgetApproval.tsx';
import { DeployDetails } from './DeployDetails.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './Notice.tsx';

interface Known {
  approval: Approval;
  /** The escalated task and the run, when their lookups have answered. */
  task: Task | undefined;
  run: Run | undefined;
  now: number;
}

const SUBJECTS: Record<Approval['kind'], string> = {
  deploy: 'Deploy',
  budget: 'Budget reached',
  escalation: 'Approval',
};

/** What the decision is about, linking to the task's panel on its run board. */
function Subject({ approval, task }: Pick<Known, 'approval' | 'task'>) {
  if (approval.task_id === null) return <strong>{SUBJECTS[approval.kind]}</strong>;
  return (
    <Link to={`/run/${approval.run_id}/?task=${approval.task_id}`} className="run-title">
      Task #{approval.task_id}
      {task ? `: ${task.title}` : ''}
    </Link>
  );
}

/** The run it belongs to, the held job, and who asked. */
function Where({ approval, run }: Pick<Known, 'approval' | 'run'>) {
  return (
    <p className="small muted break">
      <Link to={`/run/${approval.run_id}/`}>
        run #{approval.run_id}
        {run ? `: ${run.goal}` : ''}
      </Link>
      {run?.killed_at ? ' (killed)' : ''}
      {approval.job_id !== null ? ` · job #${approval.job_id}` : ''}
      {` · requested by ${approval.requested_by}`}
    </p>
  );
}

/** What a decision does, per kind: shown once above the pending list. */
export const DECISION_EFFECTS: Record<Approval['kind'], string> = {
  escalation:
    "Escalations: Approve releases the task's held dev job so dev tries again; Reject cancels it and leaves the task for a person.",
  deploy:
    "Deploys: Approve releases the run (merged into the default branch, as the project's release settings say) and runs its deploy; Reject keeps the run ready for commit with your note, for more tasks or a later approval.",
  budget:
    'Budgets: Approve raises the limits you give (above what the run used; the others stay as they are) and resumes the run; Reject leaves it paused for a person.',
};

const REJECT_EFFECTS: Record<Approval['kind'], (approval: Approval) => string> = {
  escalation: (approval) =>
    `Rejecting cancels the held dev job${approval.job_id !== null ? ` #${approval.job_id}` : ''} of task #${approval.task_id}; the task stays where it is for a person to take over.`,
  deploy: (approval) =>
    `Rejecting keeps run #${approval.run_id} ready for commit, undeployed; add tasks to it, ask again from its page, or kill it.`,
  budget: (approval) =>
    `Rejecting leaves run #${approval.run_id} paused at its budget; resume or kill it from its page.`,
};

/** A budget approval's fields, prefilled with raised limits; empty for other kinds. */
function initialLimits(approval: Approval): LimitFields {
  return isBudgetDetails(approval.details)
    ? suggestedLimits(approval.details)
    : { tokens: '', cost: '', wallMinutes: '' };
}

function NoteField({ id, note, onChange }: { id: number; note: string; onChange: (note: string) => void }) {
  return (
    <label className="field">
      <span>
        Note <span className="muted">(optional, kept with the decision)</span>
        <span className="visually-hidden"> for approval #{id}</span>
      </span>
      <textarea value={note} onChange={(e) => onChange(e.target.value)} rows={2} maxLength={2000} />
    </label>
  );
}

/** A request waiting for a person; with `canDecide`, the note, Approve and Reject (confirmed first). */
export function PendingApproval(
  props: Known & {
    canDecide: boolean;
    busy: boolean;
    onDecide: (decision: Decision, note: string, budget?: RaisedBudget) => void;
  },
) {
  const { approval, task, run, now, canDecide, busy, onDecide } = props;
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [limits, setLimits] = useState(() => initialLimits(approval));
  const [limitsError, setLimitsError] = useState<string | null>(null);
  const approve = () => {
    if (approval.kind !== 'budget') return onDecide('approve', note);
    const read = readRaisedLimits(limits);
    setLimitsError('error' in read ? read.error : null);
    if ('budget' in read) onDecide('approve', note, read.budget);
  };
  return (
    <li className="item approval" id={`approval-${approval.id}`} data-approval-id={approval.id}>
      <div className="item-head">
        <span className="run-badges">
          <Badge value={approval.kind} />
          <Subject approval={approval} task={task} />
        </span>
        <span className="small muted nowrap" title={`requested ${dateTime(approval.created_at)}`}>
          waiting {duration((now - new Date(approval.created_at).getTime()) / 1000)}
        </span>
      </div>
      {approval.reason ? <p className="break">{approval.reason}</p> : null}
      <DeployDetails approval={approval} />
      <BudgetApprovalDetails approval={approval} />
      <Where approval={approval} run={run} />
      {canDecide ? (
        <div className="decision">
          {approval.kind === 'budget' ? (
            <RaisedLimitsFields
              id={approval.id}
              fields={limits}
              onChange={(next) => {
                setLimits(next);
                setLimitsError(null);
              }}
            />
          ) : null}
          <ErrorNote error={limitsError} />
          <NoteField id={approval.id} note={note} onChange={setNote} />
          <div className="button-row">
            <button type="button" className="button-primary" disabled={busy} onClick={approve}>
              Approve
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              Reject…
            </button>
          </div>
        </div>
      ) : null}
      <Dialog
        open={confirming}
        title={`Reject approval #${approval.id}?`}
        onClose={() => setConfirming(false)}
      >
        <div className="stack">
          <p>{REJECT_EFFECTS[approval.kind](approval)}</p>
          <NoteField id={approval.id} note={note} onChange={setNote} />
          <div className="form-actions">
            <button type="button" data-autofocus onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                onDecide('reject', note);
              }}
            >
              Reject
            </button>
          </div>
        </div>
      </Dialog>
    </li>
  );
}

/** A decided request: the outcome, who decided, their note and when. */
export function DecidedApproval({ approval, task, run, now }: Known) {
  return (
    <li className="item approval" id={`approval-${approval.id}`} data-approval-id={approval.id}>
      <div className="item-head">
        <span className="run-badges">
          <Badge value={approval.state} />
          <Badge value={approval.kind} />
          <Subject approval={approval} task={task} />
        </span>
        <span className="small muted nowrap" title={dateTime(approval.decided_at)}>
          {timeAgo(approval.decided_at, now)}
        </span>
      </div>
      <p className="small">
        {approval.state === 'approved' ? 'Approved' : 'Rejected'} by{' '}
        <strong>{approval.decided_by ?? '?'}</strong>
        <span className="muted">
          {' '}
          · waited{' '}
          {approval.decided_at
            ? duration(
                (new Date(approval.decided_at).getTime() - new Date(approval.created_at).getTime()) / 1000,
              )
            : '—'}
        </span>
      </p>
      {approval.decision_note ? (
        <blockquote className="decision-note">{approval.decision_note}</blockquote>
      ) : null}
      {approval.reason ? <p className="small muted break">{approval.reason}</p> : null}
      <BudgetApprovalDetails approval={approval} />
      <Where approval={approval} run={run} />
    </li>
  );
}
