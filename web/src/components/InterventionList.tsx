import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Intervention } from '../api.ts';
import { outcomeText } from '../director.ts';
import { dateTime, timeAgo } from '../format.ts';
import { Badge } from './Badge.tsx';

/** Where it acted (the run left out on the run's own page) and what came of it. */
function facts(intervention: Intervention, withRun: boolean): ReactNode[] {
  const { run_id: runId, task_id: taskId, job_id: jobId } = intervention;
  const parts: ReactNode[] = [];
  if (runId !== null && withRun) parts.push(<Link to={`/run/${runId}/`}>run #{runId}</Link>);
  if (runId !== null && taskId !== null)
    parts.push(<Link to={`/run/${runId}/?task=${taskId}`}>task #{taskId}</Link>);
  if (jobId !== null) parts.push(`job #${jobId}`);
  const outcome = outcomeText(intervention);
  if (outcome) parts.push(outcome);
  return parts;
}

/** What the Director did, newest first: the action, the rule, what it saw and what came of it. */
export function InterventionList(props: { items: Intervention[]; now: number; withRun: boolean }) {
  const { items, now, withRun } = props;
  return (
    <ul className="item-list interventions">
      {items.map((intervention) => {
        const parts = facts(intervention, withRun);
        return (
          <li key={intervention.id} className="item" data-intervention-id={intervention.id}>
            <div className="item-head">
              <span className="run-badges">
                <Badge value={intervention.action} />
                <code>{intervention.rule}</code>
              </span>
              <span className="small muted nowrap" title={dateTime(intervention.created_at)}>
                {timeAgo(intervention.created_at, now)}
              </span>
            </div>
            <p className="break">{intervention.summary}</p>
            {parts.length > 0 ? (
              <p className="small muted break">
                {parts.map((part, index) => (
                  // The parts never reorder: their place is their identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: a fixed sequence of facts
                  <Fragment key={index}>
                    {index > 0 ? ' · ' : ''}
                    {part}
                  </Fragment>
                ))}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
