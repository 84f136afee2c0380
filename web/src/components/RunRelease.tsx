import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type Approval, api, type Run, type RunPhase } from '../api.ts';
import { dateTime, shortCommit, timeAgo } from '../format.ts';
import { useAction, useNow, useResource } from '../hooks.ts';
import { useDebounced } from '../live.ts';
import { useCan } from '../session.ts';
import { OutcomeNote, useDecide } from './ApprovalDecision.tsx';
import { PendingApproval } from './ApprovalItem.tsx';
import type { EventBus } from './JobLog.tsx';
import { ErrorNote } from './Notice.tsx';

type ReleasePhase = Extract<RunPhase, 'ready_for_commit' | 'awaiting_approval' | 'deploying' | 'deployed'>;
const RELEASE_PHASES: readonly RunPhase[] = [
  'ready_for_commit',
  'awaiting_approval',
  'deploying',
  'deployed',
];

function isReleasePhase(phase: RunPhase): phase is ReleasePhase {
  return RELEASE_PHASES.includes(phase);
}

/** A run's approvals hold few deploys; its newest is the one its phase is about. */
async function latestDeployApproval(runId: number): Promise<Approval | null> {
  const page = await api.approvals({ run_id: runId, limit: 100 });
  return page.items.find((approval) => approval.kind === 'deploy') ?? null;
}

interface Props {
  run: Run;
  subscribe: EventBus;
  /** Called after this section changed the run, so the page reads it again. */
  onChanged: () => void;
}

/**
 * Where the run's release stands once its tests passed: the deploy approval it waits for (decided here
 * with the approve permission), the rejection to answer, or the commit it was released as.
 */
export function RunRelease({ run, subscribe, onChanged }: Props) {
  if (!isReleasePhase(run.phase)) return null;
  return <Release run={run} phase={run.phase} subscribe={subscribe} onChanged={onChanged} />;
}

function Release({ run, phase, subscribe, onChanged }: Props & { phase: ReleasePhase }) {
  const approval = useResource(() => latestDeployApproval(run.id), [run.id, phase]);
  const reread = useDebounced(() => approval.reload());
  useEffect(
    () =>
      subscribe((event) => {
        if (event.type.startsWith('approval.')) reread();
      }),
    [subscribe, reread],
  );
  const latest = approval.data ?? null;
  return (
    <section className={`panel release release-${phase}`} aria-labelledby="release-h">
      <ErrorNote error={approval.error} />
      {phase === 'awaiting_approval' ? (
        <AwaitingApproval
          run={run}
          pending={latest?.state === 'pending' ? latest : null}
          onDecided={onChanged}
        />
      ) : null}
      {phase === 'ready_for_commit' ? (
        <ReadyForCommit run={run} rejected={latest} onAsked={onChanged} />
      ) : null}
      {phase === 'deploying' ? (
        <>
          <h2 id="release-h">Deploying</h2>
          <p>
            {latest?.state === 'approved' ? <Approver approval={latest} /> : 'Approved'}; the deploy job
            releases the run branch and runs the project's deploy now.
          </p>
        </>
      ) : null}
      {phase === 'deployed' ? <Deployed run={run} approved={latest} /> : null}
    </section>
  );
}

function Approver({ approval }: { approval: Approval }) {
  return (
    <>
      {approval.state === 'approved' ? 'Approved' : 'Rejected'} by{' '}
      <strong>{approval.decided_by ?? '?'}</strong>{' '}
      <span title={dateTime(approval.decided_at)}>{timeAgo(approval.decided_at)}</span>
    </>
  );
}

function AwaitingApproval({
  run,
  pending,
  onDecided,
}: {
  run: Run;
  pending: Approval | null;
  onDecided: () => void;
}) {
  const canApprove = useCan('approve');
  const now = useNow();
  const { busy, outcome, decide } = useDecide(onDecided);
  return (
    <>
      <div className="panel-head">
        <h2 id="release-h">Waiting for a deploy approval</h2>
        <Link to="/approvals/" className="button-link">
          Approvals page
        </Link>
      </div>
      <p>
        The run's tests passed. It is released (merged into the default branch, as the project's release
        settings say) and deployed once an approver approves.
        {canApprove ? '' : ' Deciding needs the approve permission (the admin and approver roles).'}
      </p>
      <OutcomeNote outcome={outcome} />
      {pending ? (
        <ul className="item-list">
          <PendingApproval
            approval={pending}
            task={undefined}
            run={run}
            now={now}
            canDecide={canApprove}
            busy={busy === pending.id}
            onDecide={(decision, note, budget) => decide(pending, decision, note, budget)}
          />
        </ul>
      ) : null}
    </>
  );
}

function ReadyForCommit({
  run,
  rejected,
  onAsked,
}: {
  run: Run;
  rejected: Approval | null;
  onAsked: () => void;
}) {
  const canOperate = useCan('operate');
  const action = useAction();
  const [asked, setAsked] = useState(false);
  const ask = async () => {
    setAsked(false);
    if (await action.run(() => api.triggerPipeline(run.id))) setAsked(true);
    onAsked();
  };
  return (
    <>
      <h2 id="release-h">Ready for commit, not deployed</h2>
      {rejected?.state === 'rejected' ? (
        <>
          <p>
            <Approver approval={rejected} />.
          </p>
          {rejected.decision_note ? (
            <blockquote className="decision-note">{rejected.decision_note}</blockquote>
          ) : null}
        </>
      ) : (
        <p>The run's tests passed; it has not asked for a deploy approval yet.</p>
      )}
      <p className="small muted">
        Add tasks to change it (the run builds and tests again), ask for the approval again, or kill it.
      </p>
      <ErrorNote error={action.error} />
      {asked ? (
        <p className="note note-ok" role="status">
          Asked for the deploy approval again.
        </p>
      ) : null}
      {canOperate ? (
        <div className="button-row">
          <button type="button" className="button-primary" disabled={action.busy} onClick={ask}>
            Ask for approval again
          </button>
        </div>
      ) : null}
    </>
  );
}

function Deployed({ run, approved }: { run: Run; approved: Approval | null }) {
  return (
    <>
      <h2 id="release-h">Deployed</h2>
      <p>
        {run.released_commit ? (
          <>
            Released as commit{' '}
            <code className="released-commit" title={run.released_commit}>
              {shortCommit(run.released_commit)}
            </code>{' '}
            <span className="small muted break">({run.released_commit})</span>
          </>
        ) : (
          "No commit was released: the project's release settings leave that to its deploy."
        )}
      </p>
      {approved?.state === 'approved' ? (
        <p className="small muted">
          <Approver approval={approved} />
          {approved.decision_note ? `: ${approved.decision_note}` : ''}
        </p>
      ) : null}
    </>
  );
}
