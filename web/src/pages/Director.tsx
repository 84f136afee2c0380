import { useEffect } from 'react';
import { api, DIRECTOR_RULE_NAMES, type DirectorRuleName, type DirectorState } from '../api.ts';
import { DirectorRules } from '../components/DirectorRules.tsx';
import { InlineSelect, pick } from '../components/InlineSelect.tsx';
import { InterventionList } from '../components/InterventionList.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { Pager } from '../components/Pager.tsx';
import { ProjectDirector } from '../components/ProjectDirector.tsx';
import { dateTime } from '../format.ts';
import { useAction, useNow, useResource, useTitle, useUrlFilters } from '../hooks.ts';
import { addsInterventions, useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

const LIMIT = 25;
/** A lease is renewed without an event: read who holds it this often. */
const LEASE_REREAD_MS = 15_000;

/** Who acts for the Director now, by its lease. */
function Leader({ state, now }: { state: DirectorState; now: number }) {
  const holds = state.leader && state.lease_expires_at && new Date(state.lease_expires_at).getTime() > now;
  if (!holds)
    return (
      <p className="small muted" data-testid="director-leader">
        No process acts for it now: no <code>wh serve</code> or <code>wh director</code> holds its lease.
      </p>
    );
  return (
    <p className="small" data-testid="director-leader">
      Acting for it: <code>{state.leader}</code>, its lease renewed until{' '}
      <span title={dateTime(state.lease_expires_at)}>
        {new Date(state.lease_expires_at!).toLocaleTimeString()}
      </span>
    </p>
  );
}

/** The Director: whether it is on, who acts for it, its rules, and what it did. */
export function Director() {
  useTitle('Director');
  const isAdmin = useCan('admin');
  const now = useNow(5_000);
  const [params, update] = useUrlFilters();
  const rule = pick<DirectorRuleName>(params.get('rule'), DIRECTOR_RULE_NAMES);
  const runId = Number(params.get('run')) || undefined;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const save = useAction();

  const refreshState = useDebounced(() => state.reload());
  const refreshInterventions = useDebounced(() => interventions.reload());
  const ready = useLive({}, (event) => {
    if (event.type === 'director.updated') refreshState();
    if (addsInterventions(event)) refreshInterventions();
  });
  const state = useResource(() => api.director(), [], ready);
  const interventions = useResource(
    () => api.interventions({ rule, run_id: runId, limit: LIMIT, offset }),
    [rule, runId, offset],
    ready,
  );
  useEffect(() => {
    const timer = window.setInterval(() => state.reload(), LEASE_REREAD_MS);
    return () => window.clearInterval(timer);
  }, [state.reload]);

  const change = (body: Parameters<typeof api.updateDirector>[0]) =>
    save.run(async () => {
      const next = await api.updateDirector(body);
      state.setData(() => next);
    });

  const current = state.data;
  return (
    <div className="stack-lg">
      <div className="page-head">
        <div>
          <h1>Director</h1>
          <p className="muted">
            A supervisor that watches every run and steps in by its rules: it requeues stuck tasks, sends back
            changes without tests or with weakened ones, and holds runs to their budgets.
          </p>
        </div>
      </div>
      <ErrorNote error={state.error} />
      <ErrorNote error={save.error} />
      {!current && !state.error ? <Loading what="the Director" /> : null}
      {current ? (
        <section className="panel stack" aria-labelledby="director-state-h">
          <div className="panel-head">
            <h2 id="director-state-h">
              {current.enabled ? 'On' : 'Off'} <span className="small muted">for the installation</span>
            </h2>
            {isAdmin ? (
              <label className="check">
                <input
                  type="checkbox"
                  checked={current.enabled}
                  disabled={save.busy}
                  onChange={(event) => change({ enabled: event.target.checked })}
                />
                <span>Director on</span>
              </label>
            ) : null}
          </div>
          {isAdmin ? null : (
            <p className="small muted">Turning it or its rules on or off needs the admin role.</p>
          )}
          <Leader state={current} now={now} />
          <p className="small muted">
            A project may set its own (<code>settings.director</code>): turn the Director or a rule off for
            itself, or change thresholds; its settings win over these.
          </p>
          <h3>Rules</h3>
          <DirectorRules
            rules={current.rules}
            settings={current.rule_settings}
            where="the installation"
            canEdit={isAdmin}
            busy={save.busy}
            onSave={(name, setting) => change({ rules: { [name]: setting } })}
          />
        </section>
      ) : null}
      {current ? <ProjectDirector state={current} /> : null}

      <section className="panel stack" aria-labelledby="interventions-h">
        <div className="panel-head">
          <h2 id="interventions-h">
            Interventions{' '}
            {interventions.data ? <span className="count">{interventions.data.total}</span> : null}
          </h2>
          <span className="small muted">newest first</span>
        </div>
        <form className="filters" aria-label="Filter interventions" onSubmit={(e) => e.preventDefault()}>
          <InlineSelect
            caption="Rule"
            value={rule}
            options={DIRECTOR_RULE_NAMES}
            any
            onChange={(value) => update({ rule: value })}
          />
          <label className="field field-inline">
            <span>Run #</span>
            <input
              type="number"
              min={1}
              className="input-narrow"
              value={runId ?? ''}
              onChange={(event) => update({ run: event.target.value })}
            />
          </label>
        </form>
        <ErrorNote error={interventions.error} />
        {!interventions.data && !interventions.error ? <Loading what="interventions" /> : null}
        {interventions.data && interventions.data.items.length === 0 ? (
          <Empty>
            {rule || runId ? 'No interventions match these filters.' : 'The Director has not stepped in yet.'}
          </Empty>
        ) : null}
        {interventions.data ? (
          <>
            <InterventionList items={interventions.data.items} now={now} withRun />
            <Pager
              label="Interventions"
              total={interventions.data.total}
              limit={LIMIT}
              offset={offset}
              onChange={(next) => update({ offset: next ? String(next) : '' })}
            />
          </>
        ) : null}
      </section>
    </div>
  );
}
