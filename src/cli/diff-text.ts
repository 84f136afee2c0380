/**
 * A task's diff as the API answers it, written back as unified-diff text (what `git diff` prints), for the
 * terminal (`wh task diff`) and for MCP clients, which read a diff best in the form they were trained on.
 */
import type { DiffFile, TaskDiff } from '../contracts/reviews.ts';

const MARK = { add: '+', del: '-', same: ' ' } as const;

function fileText(file: DiffFile): string[] {
  const from = file.status === 'added' ? '/dev/null' : `a/${file.old_path}`;
  const to = file.status === 'deleted' ? '/dev/null' : `b/${file.path}`;
  const lines = [`diff --git a/${file.old_path} b/${file.path}`, `--- ${from}`, `+++ ${to}`];
  for (const hunk of file.hunks) {
    lines.push(hunk.header);
    for (const line of hunk.lines) lines.push(`${MARK[line.kind]}${line.text}`);
  }
  return lines;
}

export function diffSummary(diff: TaskDiff): string {
  if (!diff.branches_found) return `task ${diff.task_id} has no branch yet (it has not been through dev)`;
  const { files, additions, deletions } = diff.stats;
  return `${diff.task_branch} against ${diff.run_branch}: ${diff.commits.length} commits, ${files} files, +${additions} -${deletions}${diff.truncated ? ' (truncated)' : ''}`;
}

export function unifiedDiff(diff: TaskDiff): string {
  return diff.files.flatMap(fileText).join('\n');
}
