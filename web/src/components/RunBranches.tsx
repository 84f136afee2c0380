import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type RunBranches } from '../api.ts';
import { plural, savedWorkText, shortCommit } from '../format.ts';
import { useResource } from '../hooks.ts';
import { changesBranches, useDebounced } from '../live.ts';
import type { EventBus } from './JobLog.tsx';
import { Empty, ErrorNote, Loading } from './Notice.tsx';

/** Each read runs git on the server: a busy run's bursts of events are read at most once a second. */
const REREAD_MS = 1000;

function TaskLink({ runId, taskId }: { runId: number; taskId: number }) {
  return <Link to={`/run/${runId}/?task=${taskId}`}>task #{taskId}</Link>;
}

function Commit({ head }: { head: string | null }) {
  return head ? <code title={head}>{shortCommit(head)}</code> : <span className="muted">—</span>;
}

function BranchTable({ found }: { found: RunBranches }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Branch</th>
            <th scope="col">Of</th>
            <th scope="col">In the repository</th>
            <th scope="col">Head</th>
          </tr>
        </thead>
        <tbody>
          {found.branches.map((branch) => (
            <tr key={branch.branch} data-branch={branch.branch}>
              <td className="break">
                <code>{branch.branch}</code>
              </td>
              <td className="nowrap">
                {branch.task_id === null ? (
                  'the run'
                ) : (
                  <TaskLink runId={found.run_id} taskId={branch.task_id} />
                )}
              </td>
              <td>{branch.exists ? 'yes' : 'not (yet) made'}</td>
              <td>
                <Commit head={branch.head} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SavedWork({ found }: { found: RunBranches }) {
  if (found.refs.length === 0)
    return <Empty>No saved work: every task's work so far is on its branch.</Empty>;
  return (
    <ul className="plain-list saved-work">
      {found.refs.map((saved) => (
        <li key={saved.ref} data-ref={saved.ref}>
          <TaskLink runId={found.run_id} taskId={saved.task_id} />: {savedWorkText(saved)}, at{' '}
          <Commit head={saved.head} />
          <br />
          <code className="small break">{saved.ref}</code>
        </li>
      ))}
    </ul>
  );
}

/**
 * The run's branches and the refs keeping work no branch holds, as the repository has them; read only
 * while the section is open, and again as the run's work moves.
 */
export function RunBranchesSection({ runId, subscribe }: { runId: number; subscribe: EventBus }) {
  const [open, setOpen] = useState(false);
  const branches = useResource(() => api.runBranches(runId), [runId], open);
  const reread = useDebounced(() => branches.reload(), REREAD_MS);
  useEffect(() => {
    if (!open) return;
    return subscribe((event) => {
      if (changesBranches(event.type)) reread();
    });
  }, [open, subscribe, reread]);

  const found = branches.data;
  return (
    <details className="panel run-branches" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        <h2>Branches and saved work</h2>
        {found ? (
          <span className="small muted">
            {plural(found.branches.length, 'branch', 'branches')}, {plural(found.refs.length, 'saved ref')}
          </span>
        ) : null}
      </summary>
      <div className="stack">
        <p className="small muted">
          Nothing is lost when Workhorse cleans up worktrees: committed work stays on these branches, and
          uncommitted or set-aside changes are kept under the refs below.
        </p>
        <ErrorNote error={branches.error} />
        {!found && !branches.error ? <Loading what="branches" /> : null}
        {found ? (
          <>
            <p className="small muted break">
              In <code>{found.repository}</code> (installation <code>{found.installation}</code>)
            </p>
            {found.repository_found ? null : (
              <p className="note note-warn">
                There is no git repository at that path on this machine, so no branch can be read.
              </p>
            )}
            {found.branches.length > 0 ? (
              <BranchTable found={found} />
            ) : (
              <Empty>This run has no branch.</Empty>
            )}
            <h3>Saved work</h3>
            <SavedWork found={found} />
          </>
        ) : null}
      </div>
    </details>
  );
}
