import 'react-diff-view/style/index.css';
import { type ReactNode, useMemo, useState } from 'react';
import { Diff, getChangeKey, Hunk, type HunkData, tokenize } from 'react-diff-view';
import { api, type DiffFile, type ReviewComment, type Task } from '../api.ts';
import { timeAgo } from '../format.ts';
import { canHighlight, highlighter } from '../highlight.ts';
import { useAction, useResource } from '../hooks.ts';
import { commentLine, languageOf, toViewHunk, type ViewChange, viewDiffType } from '../review.ts';
import { Empty, ErrorNote } from './Notice.tsx';

interface Draft extends ReviewComment {
  key: string;
}

interface Props {
  task: Task;
  /** Bumped by the panel when an event touches the task: its branch may have moved. */
  version: number;
  canOperate: boolean;
}

/**
 * The task's change under review: its branch against the run branch, its commits, and each file's diff,
 * syntax highlighted. A person comments on lines, then sends the task back to dev with the comments (they
 * reach its next prompt as findings) or, when it awaits review, accepts it for its merge.
 */
export function TaskReview({ task, version, canOperate }: Props) {
  const diff = useResource(() => api.taskDiff(task.id), [task.id, version]);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const action = useAction();
  const data = diff.data;

  const add = (draft: Draft) => setDrafts((list) => [...list, draft]);
  const remove = (key: string) => setDrafts((list) => list.filter((draft) => draft.key !== key));
  const sendBack = () =>
    action
      .run(() =>
        api.sendBackFromReview(
          task.id,
          drafts.map(({ key: _key, ...comment }) => comment),
          task.version,
        ),
      )
      .then((done) => done && setDrafts([]));

  return (
    <section className="review" aria-labelledby="review-title">
      <h3 id="review-title">Changes</h3>
      {task.review_state === 'awaiting' ? (
        <p className="review-awaiting" role="status">
          Awaiting review: this task passed its stages and merges into the run branch once a person accepts
          it.
        </p>
      ) : null}
      <ErrorNote error={diff.error} />
      {data && !data.branches_found ? <Empty>No branch yet: the task has not been worked on.</Empty> : null}
      {data?.branches_found ? (
        <>
          <p className="small">
            <code>{data.task_branch}</code> against <code>{data.run_branch}</code> · {data.stats.files}{' '}
            {data.stats.files === 1 ? 'file' : 'files'}{' '}
            <span className="diff-add-count">+{data.stats.additions}</span>{' '}
            <span className="diff-del-count">−{data.stats.deletions}</span>
          </p>
          <details className="review-commits">
            <summary>
              {data.commits.length} {data.commits.length === 1 ? 'commit' : 'commits'}
            </summary>
            <ul className="bullets small">
              {data.commits.map((commit) => (
                <li key={commit.sha}>
                  <code>{commit.sha.slice(0, 8)}</code> {commit.subject}{' '}
                  <span className="muted">
                    {commit.author}, {timeAgo(commit.authored_at)}
                  </span>
                </li>
              ))}
            </ul>
          </details>
          {data.truncated ? <p className="small muted">The diff is long: later files are left out.</p> : null}
          {data.files.length === 0 ? <Empty>The branch changes no file.</Empty> : null}
          {data.files.map((file) => (
            <FileDiff
              key={file.path}
              file={file}
              drafts={drafts.filter((draft) => draft.file === file.path)}
              canComment={canOperate}
              onComment={add}
              onRemove={remove}
            />
          ))}
        </>
      ) : null}
      {canOperate && data?.branches_found ? (
        <div className="review-decision">
          <GeneralComment onComment={add} />
          {drafts
            .filter((draft) => draft.file === null)
            .map((draft) => (
              <DraftComment key={draft.key} draft={draft} onRemove={remove} />
            ))}
          {drafts.length > 0 ? (
            <p className="small">
              {drafts.length} {drafts.length === 1 ? 'comment' : 'comments'} to send
            </p>
          ) : null}
          <div className="button-row">
            <button
              type="button"
              disabled={action.busy || drafts.length === 0}
              onClick={sendBack}
              title="The comments reach the next DEV attempt's prompt as findings"
            >
              Send back to dev
            </button>
            {task.review_state === 'awaiting' ? (
              <button
                type="button"
                className="button-primary"
                disabled={action.busy || drafts.length > 0}
                title={drafts.length > 0 ? 'Send the comments back, or remove them, first' : undefined}
                onClick={() => action.run(() => api.acceptReview(task.id, task.version))}
              >
                Accept and merge
              </button>
            ) : null}
          </div>
          <ErrorNote error={action.error} />
        </div>
      ) : null}
    </section>
  );
}

function FileDiff({
  file,
  drafts,
  canComment,
  onComment,
  onRemove,
}: {
  file: DiffFile;
  drafts: Draft[];
  canComment: boolean;
  onComment: (draft: Draft) => void;
  onRemove: (key: string) => void;
}) {
  const hunks = useMemo(() => file.hunks.map(toViewHunk) as HunkData[], [file]);
  const language = languageOf(file.path);
  const tokens = useMemo(() => {
    if (!language || !canHighlight(language)) return undefined;
    try {
      return tokenize(hunks, { highlight: true, refractor: highlighter, language });
    } catch {
      // A grammar that trips on a fragment leaves the file plain rather than the panel broken.
      return undefined;
    }
  }, [hunks, language]);
  const [open, setOpen] = useState<string | null>(null);

  const widgets: Record<string, ReactNode> = {};
  for (const hunk of hunks) {
    for (const change of hunk.changes) {
      const key = getChangeKey(change);
      const mine = drafts.filter((draft) => draft.key.startsWith(`${key}#`));
      if (mine.length === 0 && open !== key) continue;
      widgets[key] = (
        <div className="review-thread">
          {mine.map((draft) => (
            <DraftComment key={draft.key} draft={draft} onRemove={onRemove} />
          ))}
          {open === key ? (
            <CommentForm
              label={`Comment on ${file.path} line ${commentLine(change as ViewChange)}`}
              onCancel={() => setOpen(null)}
              onSave={(body) => {
                onComment({
                  key: `${key}#${Date.now()}`,
                  file: file.path,
                  line: commentLine(change as ViewChange),
                  body,
                });
                setOpen(null);
              }}
            />
          ) : null}
        </div>
      );
    }
  }

  return (
    <figure className="review-file">
      <figcaption>
        <code>{file.status === 'renamed' ? `${file.old_path} → ${file.path}` : file.path}</code>{' '}
        <span className="muted small">{file.status}</span>{' '}
        <span className="diff-add-count">+{file.additions}</span>{' '}
        <span className="diff-del-count">−{file.deletions}</span>
      </figcaption>
      {hunks.length === 0 ? (
        <p className="small muted">No text changes to show (a binary file, an empty one, or its mode).</p>
      ) : (
        <div className="review-scroll">
          <Diff
            viewType="unified"
            diffType={viewDiffType(file.status)}
            hunks={hunks}
            tokens={tokens ?? null}
            widgets={widgets}
            renderGutter={({ change, side, renderDefault }) => {
              // One button per line, in the new side's column (the old side's for a removed line).
              const own = change.type === 'delete' ? side === 'old' : side === 'new';
              if (!canComment || !own) return renderDefault();
              return (
                <button
                  type="button"
                  className="review-line-button"
                  aria-label={`Comment on ${file.path} line ${commentLine(change as ViewChange)}`}
                  onClick={() => setOpen(getChangeKey(change))}
                >
                  {renderDefault()}
                </button>
              );
            }}
          >
            {(shown) => shown.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
          </Diff>
        </div>
      )}
    </figure>
  );
}

function DraftComment({ draft, onRemove }: { draft: Draft; onRemove: (key: string) => void }) {
  return (
    <div className="review-comment">
      <p className="prewrap review-comment-body">{draft.body}</p>
      <button type="button" className="button-small" onClick={() => onRemove(draft.key)}>
        Remove
      </button>
    </div>
  );
}

function CommentForm({
  label,
  onSave,
  onCancel,
}: {
  label: string;
  onSave: (body: string) => void;
  onCancel?: () => void;
}) {
  const [body, setBody] = useState('');
  return (
    <form
      className="review-comment-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (body.trim()) onSave(body.trim());
        setBody('');
      }}
    >
      <label className="field">
        <span className="visually-hidden">{label}</span>
        <textarea
          aria-label={label}
          rows={2}
          value={body}
          placeholder="What should change here?"
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      <div className="button-row">
        <button type="submit" className="button-small" disabled={!body.trim()}>
          Add comment
        </button>
        {onCancel ? (
          <button type="button" className="button-small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** A comment on the change as a whole, not on one line. */
function GeneralComment({ onComment }: { onComment: (draft: Draft) => void }) {
  return (
    <CommentForm
      label="Comment on the whole change"
      onSave={(body) => onComment({ key: `general#${Date.now()}`, file: null, line: null, body })}
    />
  );
}
