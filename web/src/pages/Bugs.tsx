import { Link } from 'react-router';
import {
  api,
  BUG_STATUSES,
  type BugStatus,
  FINDING_STATUSES,
  type FindingStatus,
  SEVERITIES,
  type Severity,
} from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { InlineSelect, pick } from '../components/InlineSelect.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { Pager } from '../components/Pager.tsx';
import { dateTime, label, timeAgo } from '../format.ts';
import { useAction, useResource, useTitle, useUrlFilters } from '../hooks.ts';
import { useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

const LIMIT = 25;

/** Bug reports from the dashboard's widget, and the findings of every run's reviews. */
export function Bugs() {
  useTitle('Bugs');
  const canOperate = useCan('operate');
  const [params, update] = useUrlFilters();
  const bugStatus = pick<BugStatus>(params.get('bug_status'), BUG_STATUSES);
  const severity = pick<Severity>(params.get('severity'), SEVERITIES);
  const findingStatus = pick<FindingStatus>(params.get('finding_status'), FINDING_STATUSES);
  const bugOffset = Math.max(0, Number(params.get('bug_offset')) || 0);
  const findingOffset = Math.max(0, Number(params.get('finding_offset')) || 0);
  const action = useAction();

  const refreshBugs = useDebounced(() => bugs.reload());
  const refreshFindings = useDebounced(() => findings.reload());
  const ready = useLive({}, (event) => {
    if (event.type.startsWith('bug_report.')) refreshBugs();
    if (event.type.startsWith('finding.')) refreshFindings();
  });
  const bugs = useResource(
    () => api.bugReports({ status: bugStatus, limit: LIMIT, offset: bugOffset }),
    [bugStatus, bugOffset],
    ready,
  );
  const findings = useResource(
    () => api.findings({ severity, status: findingStatus, limit: LIMIT, offset: findingOffset }),
    [severity, findingStatus, findingOffset],
    ready,
  );

  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Bugs and findings</h1>
      </div>
      <ErrorNote error={action.error} />

      <section className="panel" aria-labelledby="bugs-h">
        <div className="panel-head">
          <h2 id="bugs-h">Bug reports</h2>
          <InlineSelect
            caption="Status"
            value={bugStatus}
            options={BUG_STATUSES}
            any
            onChange={(value) => update({ bug_status: value, bug_offset: '' })}
          />
        </div>
        <ErrorNote error={bugs.error} />
        {!bugs.data && !bugs.error ? <Loading what="bug reports" /> : null}
        {bugs.data && bugs.data.items.length === 0 ? (
          <Empty>
            {bugStatus
              ? `No ${bugStatus} bug reports.`
              : 'No bug reports yet. Use “Report a bug” at the top to file one.'}
          </Empty>
        ) : null}
        <ul className="item-list">
          {bugs.data?.items.map((bug) => (
            <li key={bug.id} className="item">
              <div className="item-head">
                <strong>
                  #{bug.id} {bug.title}
                </strong>
                {canOperate ? (
                  <InlineSelect
                    caption={
                      <>
                        Status<span className="visually-hidden"> of bug report #{bug.id}</span>
                      </>
                    }
                    value={bug.status}
                    options={BUG_STATUSES}
                    onChange={(value) =>
                      action.run(() => api.setBugStatus(bug.id, value as BugStatus)).then(() => bugs.reload())
                    }
                  />
                ) : (
                  <Badge value={bug.status} />
                )}
              </div>
              {bug.description ? <p className="prewrap">{bug.description}</p> : null}
              <p className="small muted">
                <span title={dateTime(bug.created_at)}>{timeAgo(bug.created_at)}</span>
                {bug.reporter ? ` · by ${bug.reporter}` : ''}
                {bug.page_url ? (
                  <>
                    {' · on '}
                    <code className="break">{bug.page_url}</code>
                  </>
                ) : null}
              </p>
              {bug.browser_info ? <p className="small muted break">{bug.browser_info}</p> : null}
            </li>
          ))}
        </ul>
        {bugs.data ? (
          <Pager
            label="Bug reports"
            total={bugs.data.total}
            limit={LIMIT}
            offset={bugOffset}
            onChange={(next) => update({ bug_offset: next ? String(next) : '' })}
          />
        ) : null}
      </section>

      <section className="panel" aria-labelledby="findings-h">
        <div className="panel-head">
          <h2 id="findings-h">Findings across runs</h2>
          <div className="filters-inline">
            <InlineSelect
              caption="Severity"
              value={severity}
              options={SEVERITIES}
              any
              onChange={(value) => update({ severity: value, finding_offset: '' })}
            />
            <InlineSelect
              caption="Status"
              value={findingStatus}
              options={FINDING_STATUSES}
              any
              text={label}
              onChange={(value) => update({ finding_status: value, finding_offset: '' })}
            />
          </div>
        </div>
        <ErrorNote error={findings.error} />
        {!findings.data && !findings.error ? <Loading what="findings" /> : null}
        {findings.data && findings.data.items.length === 0 ? (
          <Empty>
            {severity || findingStatus
              ? 'No findings match these filters.'
              : 'No findings yet. QA, SEC and DOCS reviews record them here.'}
          </Empty>
        ) : null}
        <ul className="item-list">
          {findings.data?.items.map((finding) => (
            <li key={finding.id} className="item">
              <div className="item-head">
                <span className="run-badges">
                  <Badge value={finding.severity} />
                  <strong>{finding.issue}</strong>
                </span>
                {canOperate ? (
                  <InlineSelect
                    caption={
                      <>
                        Status<span className="visually-hidden"> of finding #{finding.id}</span>
                      </>
                    }
                    value={finding.status}
                    options={FINDING_STATUSES}
                    text={label}
                    onChange={(value) =>
                      action
                        .run(() => api.setFindingStatus(finding.id, value as FindingStatus))
                        .then(() => findings.reload())
                    }
                  />
                ) : (
                  <Badge value={finding.status} />
                )}
              </div>
              <p className="small muted">
                {finding.source} · <Link to={`/run/${finding.run_id}/`}>run #{finding.run_id}</Link>
                {finding.task_id ? (
                  <>
                    {' · '}
                    <Link to={`/run/${finding.run_id}/?task=${finding.task_id}`}>
                      task #{finding.task_id}
                    </Link>
                  </>
                ) : null}
                {finding.file ? (
                  <>
                    {' · '}
                    <code>
                      {finding.file}
                      {finding.line !== null ? `:${finding.line}` : ''}
                    </code>
                  </>
                ) : null}
                {' · '}
                {timeAgo(finding.created_at)}
              </p>
              {finding.recommendation ? <p className="small">{finding.recommendation}</p> : null}
            </li>
          ))}
        </ul>
        {findings.data ? (
          <Pager
            label="Findings"
            total={findings.data.total}
            limit={LIMIT}
            offset={findingOffset}
            onChange={(next) => update({ finding_offset: next ? String(next) : '' })}
          />
        ) : null}
      </section>
    </div>
  );
}
