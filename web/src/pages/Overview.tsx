import { useState } from 'react';
import { Link } from 'react-router';
import { api, type JobState, type Project, type Run, type WhEvent } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { EventList } from '../components/EventList.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { SandboxNotice } from '../components/SandboxNotice.tsx';
import { duration, label, timeAgo } from '../format.ts';
import { useResource, useTitle } from '../hooks.ts';
import { affectsApprovals, affectsProgress, useDebounced, useLive } from '../live.ts';

const RECENT = 25;
const QUEUE_STATES: JobState[] = ['running', 'queued', 'held', 'failed', 'dead', 'succeeded', 'cancelled'];

function isActive(run: Run): boolean {
  return run.phase !== 'deployed' && run.phase !== 'failed' && run.phase !== 'killed';
}

export function Overview() {
  useTitle('Overview');
  const [events, setEvents] = useState<WhEvent[]>([]);
  const [eventsError, setEventsError] = useState<string | null>(null);

  const refreshRuns = useDebounced(() => runs.reload());
  const refreshStatus = useDebounced(() => status.reload());
  const refreshApprovals = useDebounced(() => approvals.reload());
  const refreshProjects = useDebounced(() => projects.reload());

  const ready = useLive(
    {},
    (event) => {
      if (event.type === 'job.output') return;
      setEvents((current) =>
        current.some((known) => known.id === event.id) ? current : [event, ...current].slice(0, RECENT),
      );
      if (affectsProgress(event.type)) refreshRuns();
      // An escalation holds a job and a decision releases or cancels it, with no job.* event of their own.
      const approvalChange = affectsApprovals(event);
      if (event.type.startsWith('job.') || event.type.startsWith('worker.') || approvalChange)
        refreshStatus();
      if (approvalChange || event.type.startsWith('run.')) refreshApprovals();
      if (event.type.startsWith('project.')) refreshProjects();
    },
    (lastId) => {
      // The latest events, read once the stream is subscribed; skip the noisy log chunks.
      api.events({ after_id: Math.max(0, lastId - 300), limit: 500 }).then(
        (page) => {
          const latest = page.items
            .filter((event) => event.type !== 'job.output')
            .reverse()
            .slice(0, RECENT);
          setEvents((current) => {
            const seen = new Set(current.map((event) => event.id));
            return [...current, ...latest.filter((event) => !seen.has(event.id))]
              .sort((a, b) => b.id - a.id)
              .slice(0, RECENT);
          });
        },
        (error: unknown) => setEventsError(String(error)),
      );
    },
  );

  const runs = useResource(() => api.runs({ limit: 100, offset: 0 }), [], ready);
  const status = useResource(() => api.status(), [], ready);
  const approvals = useResource(() => api.pendingApprovals(), [], ready);
  const projects = useResource(() => api.projects(), [], ready);

  const names = new Map<number, string>((projects.data?.items ?? []).map((p: Project) => [p.id, p.name]));
  const active = (runs.data?.items ?? []).filter(isActive);
  const queue = status.data?.queue;

  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Overview</h1>
        {status.data ? (
          <p className="muted">
            Workhorse {status.data.version} · {status.data.database} · up{' '}
            {duration(status.data.uptime_seconds)}
          </p>
        ) : null}
      </div>
      <SandboxNotice sandbox={status.data?.sandbox} />

      <section aria-labelledby="stats-h" className="stats">
        <h2 id="stats-h" className="visually-hidden">
          At a glance
        </h2>
        <Stat label="Active runs" value={runs.data ? active.length : undefined} hint="Runs" to="/runs/" />
        <Stat label="Jobs running" value={queue?.running} hint="Running jobs" to="/jobs/?state=running" />
        <Stat label="Jobs queued" value={queue?.queued} hint="Queued jobs" to="/jobs/?state=queued" />
        <Stat label="Jobs held" value={queue?.held} hint="Waiting for a trigger" to="/jobs/?state=held" />
        <Stat
          label="Jobs failed or dead"
          value={queue ? queue.failed + queue.dead : undefined}
          hint={queue && queue.dead > 0 ? 'Dead jobs' : 'Failed jobs'}
          to={queue && queue.dead > 0 ? '/jobs/?state=dead' : '/jobs/?state=failed'}
          warn={(queue?.failed ?? 0) + (queue?.dead ?? 0) > 0}
        />
        <Stat label="Workers" value={status.data?.workers?.length} />
        <Stat
          label="Pending approvals"
          value={approvals.data?.total}
          hint={(approvals.data?.total ?? 0) > 0 ? 'Review and decide' : 'Approvals page'}
          to="/approvals/"
          warn={(approvals.data?.total ?? 0) > 0}
        />
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="active-h">
          <div className="panel-head">
            <h2 id="active-h">Active runs</h2>
            <Link to="/runs/">All runs</Link>
          </div>
          <ErrorNote error={runs.error} />
          {!runs.data && !runs.error ? <Loading what="runs" /> : null}
          {runs.data && active.length === 0 ? (
            <Empty>
              No active runs. <Link to="/runs/">Start a run</Link> to see its progress here.
            </Empty>
          ) : null}
          <ul className="run-list">
            {active.map((run) => (
              <li key={run.id} className="run-item">
                <div className="run-item-head">
                  <Link to={`/run/${run.id}/`} className="run-title">
                    #{run.id} {run.goal}
                  </Link>
                  <span className="run-badges">
                    {run.paused ? <Badge value="paused" /> : null}
                    <Badge value={run.phase} />
                  </span>
                </div>
                <p className="muted small">{names.get(run.project_id) ?? `project #${run.project_id}`}</p>
                <ProgressBar progress={run.progress} />
              </li>
            ))}
          </ul>
        </section>

        <div className="stack-lg">
          <section className="panel" aria-labelledby="queue-h">
            <h2 id="queue-h">Job queue</h2>
            <ErrorNote error={status.error} />
            {queue ? (
              <dl className="queue-grid">
                {QUEUE_STATES.map((state) => (
                  <div key={state} className="queue-cell">
                    <dt>
                      <Link to={`/jobs/?state=${state}`} aria-label={`${label(state)} jobs`}>
                        <Badge value={state} />
                      </Link>
                    </dt>
                    <dd>
                      <Link to={`/jobs/?state=${state}`} className="queue-count">
                        {queue[state]}
                      </Link>
                    </dd>
                  </div>
                ))}
              </dl>
            ) : status.error ? null : (
              <Loading what="queue" />
            )}
            <h3>Workers</h3>
            {status.data?.workers?.length === 0 ? (
              <Empty>No worker is running. Jobs wait until one starts.</Empty>
            ) : null}
            <ul className="plain-list">
              {status.data?.workers?.map((worker) => (
                <li key={worker.id}>
                  <code>{worker.id}</code>{' '}
                  <span className="muted">
                    {worker.concurrency} at a time · seen {timeAgo(worker.last_heartbeat_at)}
                  </span>
                </li>
              ))}
            </ul>
          </section>

          <section className="panel" aria-labelledby="clis-h">
            <h2 id="clis-h">Agent CLIs here</h2>
            <ul className="plain-list" data-testid="agent-clis">
              {status.data?.backends?.map((backend) => (
                <li key={backend.name}>
                  <strong>{backend.name}</strong>{' '}
                  {backend.path ? (
                    <span className="muted">{backend.version ?? 'installed (no version given)'}</span>
                  ) : (
                    <span className="job-error">not installed: jobs configured to use it fail</span>
                  )}
                </li>
              ))}
            </ul>
          </section>

          <section className="panel" aria-labelledby="events-h">
            <h2 id="events-h">Recent events</h2>
            <ErrorNote error={eventsError} />
            {events.length === 0 ? <Empty>Nothing has happened yet.</Empty> : <EventList events={events} />}
          </section>
        </div>
      </div>
    </div>
  );
}

/** A count with its label; with `to`, the hint links to the page where the count is worked on. */
function Stat({
  label,
  value,
  hint,
  to,
  warn,
}: {
  label: string;
  value: number | undefined;
  hint?: string;
  to?: string;
  warn?: boolean;
}) {
  return (
    <div className={warn ? 'stat stat-warn' : 'stat'}>
      <span className="stat-value">{value ?? '–'}</span>
      <span className="stat-label">{label}</span>
      {hint && to ? (
        <Link to={to} className="stat-hint stat-link">
          {hint} →
        </Link>
      ) : hint ? (
        <span className="stat-hint">{hint}</span>
      ) : null}
    </div>
  );
}
