import type { Approval } from '../api.ts';
import { plural, usageText } from '../format.ts';

type Details = Extract<Approval['details'], { test: unknown }>;

function isDeploy(details: Approval['details']): details is Details {
  return 'test' in details;
}

/** What a person decides a deploy on: the change, its test, the findings still open, what it cost. */
export function DeployDetails({ approval }: { approval: Approval }) {
  const { details } = approval;
  if (!isDeploy(details)) return null;
  const { diff, test, open_findings: open, usage } = details;
  return (
    <dl className="deploy-details small">
      <dt>Change</dt>
      <dd>
        {diff ? (
          <details>
            <summary>
              {plural(diff.commits, 'commit')}, {plural(diff.files_changed, 'file')} (
              <span className="added">+{diff.insertions}</span>{' '}
              <span className="removed">−{diff.deletions}</span>) on <code>{diff.head}</code> against{' '}
              <code>{diff.base}</code>
            </summary>
            <ul className="file-list">
              {diff.files.map((file) => (
                <li key={file}>
                  <code>{file}</code>
                </li>
              ))}
            </ul>
          </details>
        ) : (
          'not measured'
        )}
      </dd>
      <dt>Tests</dt>
      <dd>
        {test.command ? (
          <>
            <code>{test.command}</code> {test.passed ? 'passed' : 'failed'} (exit {test.exit_code ?? '—'})
          </>
        ) : (
          'no test command; every task passed its stages'
        )}
      </dd>
      <dt>Open findings</dt>
      <dd>
        {open.total === 0
          ? 'none'
          : `${open.total}: ${Object.entries(open.by_severity)
              .map(([severity, count]) => `${count} ${severity}`)
              .join(', ')}`}
      </dd>
      <dt>Cost</dt>
      <dd>{usageText(usage)}</dd>
    </dl>
  );
}
