import { useEffect } from 'react';
import { Link } from 'react-router';
import { api } from '../api.ts';
import { useNow, useResource } from '../hooks.ts';
import { addsInterventions, useDebounced } from '../live.ts';
import { InterventionList } from './InterventionList.tsx';
import type { EventBus } from './JobLog.tsx';
import { ErrorNote } from './Notice.tsx';

const SHOWN = 5;

/** The Director's latest interventions on this run; nothing at all while it has not stepped in. */
export function RunInterventions({ runId, subscribe }: { runId: number; subscribe: EventBus }) {
  const now = useNow();
  const interventions = useResource(() => api.interventions({ run_id: runId, limit: SHOWN }), [runId]);
  const reread = useDebounced(() => interventions.reload());
  useEffect(
    () =>
      subscribe((event) => {
        if (addsInterventions(event)) reread();
      }),
    [subscribe, reread],
  );

  const found = interventions.data;
  if (interventions.error) return <ErrorNote error={interventions.error} />;
  if (!found || found.total === 0) return null;
  return (
    <section className="panel run-interventions" aria-labelledby="run-interventions-h">
      <div className="panel-head">
        <h2 id="run-interventions-h">
          The Director stepped in <span className="count">{found.total}</span>
        </h2>
        {found.total > SHOWN ? (
          <Link to={`/director/?run=${runId}`} className="small">
            All {found.total} on the Director page
          </Link>
        ) : null}
      </div>
      <InterventionList items={found.items} now={now} withRun={false} />
    </section>
  );
}
