import { memo } from 'react';
import { Link } from 'react-router';
import type { WhEvent } from '../api.ts';
import { dateTime, timeAgo } from '../format.ts';

function summary(event: WhEvent): string {
  const p = event.payload;
  const text = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : null);
  if (event.type === 'task.stage_advanced' || event.type === 'task.stage_set')
    return `${text('from') ?? '?'} → ${text('to') ?? '?'}${p.loop_back ? ' (loop-back)' : ''}`;
  if (event.type === 'task.created') return text('title') ?? '';
  if (event.type === 'run.created') return text('goal') ?? '';
  if (event.type === 'run.killed') return `was ${text('previous_phase') ?? '?'}`;
  if (event.type === 'role_config.seeded') return 'default role prompts installed';
  if (event.type.startsWith('role_config.')) return `${text('role') ?? ''} v${String(p.version ?? '?')}`;
  if (event.type === 'bug_report.created' || event.type === 'finding.created')
    return text('title') ?? text('issue') ?? '';
  if (event.type.startsWith('job.') && text('error')) return text('error')!;
  return '';
}

const EventRow = memo(function EventRow({ event }: { event: WhEvent }) {
  const detail = summary(event);
  return (
    <li className="event-row">
      <time dateTime={event.created_at} title={dateTime(event.created_at)} className="muted">
        {timeAgo(event.created_at)}
      </time>
      <div className="event-body">
        <div className="event-line">
          <code className="event-type">{event.type}</code>
          {event.run_id ? <Link to={`/run/${event.run_id}/`}>run #{event.run_id}</Link> : null}
          {event.task_id ? <span>task #{event.task_id}</span> : null}
          {event.job_id ? <span>job #{event.job_id}</span> : null}
        </div>
        {detail || event.actor ? (
          <div className="event-detail">
            {detail}
            {event.actor ? (
              <span className="muted">
                {detail ? ' · ' : ''}by {event.actor}
              </span>
            ) : null}
          </div>
        ) : null}
      </div>
    </li>
  );
});

export function EventList({ events }: { events: WhEvent[] }) {
  return (
    <ol className="event-list" aria-label="Recent events">
      {events.map((event) => (
        <EventRow key={event.id} event={event} />
      ))}
    </ol>
  );
}
