import { useSearchParams } from 'react-router';
import { type Approval, api, type Page } from '../api.ts';
import { OutcomeNote, useDecide } from '../components/ApprovalDecision.tsx';
import { DECISION_EFFECTS, DecidedApproval, PendingApproval } from '../components/ApprovalItem.tsx';
import { InlineSelect, pick } from '../components/InlineSelect.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { Pager } from '../components/Pager.tsx';
import { useLookup, useNow, useResource, useTitle } from '../hooks.ts';
import { affectsApprovals, useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

const DECIDED_STATES = ['approved', 'rejected'] as const;
const LIMIT = 25;

/** The latest decisions: one state paged, or both merged by when they were decided. */
async function loadDecided(
  state: (typeof DECIDED_STATES)[number] | '',
  offset: number,
): Promise<Page<Approval>> {
  if (state) return api.approvals({ state, limit: LIMIT, offset });
  const [approved, rejected] = await Promise.all([
    api.approvals({ state: 'approved', limit: LIMIT }),
    api.approvals({ state: 'rejected', limit: LIMIT }),
  ]);
  const when = (approval: Approval) => new Date(approval.decided_at ?? approval.created_at).getTime();
  const items = [...approved.items, ...rejected.items]
    .sort((a, b) => when(b) - when(a) || b.id - a.id)
    .slice(0, LIMIT);
  return { items, total: approved.total + rejected.total, limit: LIMIT, offset: 0 };
}

/** Requests for a person's decision (escalated tasks, deploys, budgets): pending first, then the latest decided. */
export function Approvals() {
  useTitle('Approvals');
  const canApprove = useCan('approve');
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const decidedState = pick(params.get('state'), DECIDED_STATES);
  const offset = decidedState ? Math.max(0, Number(params.get('offset')) || 0) : 0;

  const refresh = useDebounced(() => {
    pending.reload();
    decided.reload();
  });
  const ready = useLive({}, (event) => {
    if (affectsApprovals(event)) refresh();
  });
  // Oldest first: whoever has waited longest.
  const pending = useResource(
    () => api.allApprovals('pending').then((items) => items.sort((a, b) => a.id - b.id)),
    [],
    ready,
  );
  const decided = useResource(() => loadDecided(decidedState, offset), [decidedState, offset], ready);
  const shown = [...(pending.data ?? []), ...(decided.data?.items ?? [])];
  const tasks = useLookup(
    shown.map((approval) => approval.task_id),
    api.task,
    ready,
  );
  const runs = useLookup(
    shown.map((approval) => approval.run_id),
    api.run,
    ready,
  );

  const { busy, outcome, decide } = useDecide(() => {
    pending.reload();
    decided.reload();
  });

  const filter = (state: string, nextOffset = 0) => {
    const next = new URLSearchParams(params);
    if (state) next.set('state', state);
    else next.delete('state');
    if (nextOffset) next.set('offset', String(nextOffset));
    else next.delete('offset');
    setParams(next, { replace: true });
  };

  const pendingCount = pending.data?.length;
  return (
    <div className="stack-lg">
      <div className="page-head">
        <div>
          <h1>Approvals</h1>
          <p className="muted">
            Where Workhorse waits for a person: tasks that keep going back to dev, deploys, and runs that
            reached their budget.
          </p>
        </div>
      </div>

      <section className="panel" aria-labelledby="pending-h">
        <div className="panel-head">
          <h2 id="pending-h">
            Pending{' '}
            {pendingCount !== undefined ? <span className="count count-strong">{pendingCount}</span> : null}
          </h2>
          {pendingCount ? <span className="small muted">oldest first</span> : null}
        </div>
        <div className="stack">
          <OutcomeNote outcome={outcome} />
          {pendingCount && canApprove
            ? [...new Set(pending.data?.map((approval) => approval.kind))].map((kind) => (
                <p key={kind} className="hint">
                  {DECISION_EFFECTS[kind]}
                </p>
              ))
            : null}
          {pendingCount && !canApprove ? (
            <p className="small muted">
              You can read these; deciding needs the approve permission (the admin and approver roles).
            </p>
          ) : null}
          <ErrorNote error={pending.error} />
          {!pending.data && !pending.error ? <Loading what="pending approvals" /> : null}
          {pendingCount === 0 ? (
            <Empty>
              Nothing waits for a decision. A task that goes back to dev five times stops here until someone
              decides.
            </Empty>
          ) : null}
          {pendingCount ? (
            <ul className="item-list">
              {pending.data?.map((approval) => (
                <PendingApproval
                  key={approval.id}
                  approval={approval}
                  task={approval.task_id === null ? undefined : tasks.get(approval.task_id)}
                  run={runs.get(approval.run_id)}
                  now={now}
                  canDecide={canApprove}
                  busy={busy === approval.id}
                  onDecide={(decision, note, budget) => decide(approval, decision, note, budget)}
                />
              ))}
            </ul>
          ) : null}
        </div>
      </section>

      <section className="panel" aria-labelledby="decided-h">
        <div className="panel-head">
          <h2 id="decided-h">Decided</h2>
          <InlineSelect
            caption="Outcome"
            value={decidedState}
            options={DECIDED_STATES}
            any
            onChange={(value) => filter(value)}
          />
        </div>
        <ErrorNote error={decided.error} />
        {!decided.data && !decided.error ? <Loading what="decisions" /> : null}
        {decided.data && decided.data.items.length === 0 ? (
          <Empty>{decidedState ? `No ${decidedState} approvals yet.` : 'No decisions yet.'}</Empty>
        ) : null}
        <ul className="item-list">
          {decided.data?.items.map((approval) => (
            <DecidedApproval
              key={approval.id}
              approval={approval}
              task={approval.task_id === null ? undefined : tasks.get(approval.task_id)}
              run={runs.get(approval.run_id)}
              now={now}
            />
          ))}
        </ul>
        {decided.data && decidedState ? (
          <Pager
            label="Decided approvals"
            total={decided.data.total}
            limit={LIMIT}
            offset={offset}
            onChange={(next) => filter(decidedState, next)}
          />
        ) : null}
        {decided.data && !decidedState && decided.data.total > decided.data.items.length ? (
          <p className="small muted pager">
            The latest {decided.data.items.length} of {decided.data.total}; pick an outcome to page through
            them all.
          </p>
        ) : null}
      </section>
    </div>
  );
}
