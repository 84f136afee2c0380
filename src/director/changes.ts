/**
 * What a task branch changes on its run branch, as git tells it: each file's status and its added and
 * removed lines. Read with Workhorse's own git (no hooks, no user config), never through a worktree.
 */
import { inRepository, type Repository } from '../worker/git.ts';

export interface FileChange {
  status: 'A' | 'M' | 'D' | 'R' | 'other';
  path: string;
  added: string[];
  removed: string[];
  /** The line numbers (1-based, in the new file) of the added lines. */
  addedLines: number[];
}

export type BranchChanges = FileChange[];

const STATUS = /^([AMDR])/;
/** A hunk header: where its lines start in the new file. */
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export async function branchChanges(repo: Repository, base: string, head: string): Promise<BranchChanges> {
  const range = `${base}...${head}`;
  const statuses = await inRepository(repo, ['diff', '--no-renames', '--name-status', range]);
  const files = new Map<string, FileChange>();
  for (const line of statuses.split('\n').filter(Boolean)) {
    const [code, path] = line.split('\t');
    const status = (STATUS.exec(code ?? '')?.[1] ?? 'other') as FileChange['status'];
    files.set(path!, { status, path: path!, added: [], removed: [], addedLines: [] });
  }
  const patch = await inRepository(repo, [
    'diff',
    '--no-renames',
    '--no-ext-diff',
    '--no-textconv',
    '-U0',
    range,
  ]);
  let current: FileChange | undefined;
  // `---`/`+++` name the files only in a file's header, before its first hunk: in a hunk they are content.
  let inHeader = false;
  let newLine = 0;
  for (const line of patch.split('\n')) {
    const hunk = HUNK.exec(line);
    if (line.startsWith('diff --git ')) {
      current = undefined;
      inHeader = true;
    } else if (hunk) {
      inHeader = false;
      newLine = Number(hunk[1]);
    } else if (inHeader && line.startsWith('--- a/')) current = files.get(line.slice(6));
    else if (inHeader && line.startsWith('+++ b/')) current = files.get(line.slice(6));
    else if (!inHeader && current && line.startsWith('+')) {
      current.added.push(line.slice(1));
      current.addedLines.push(newLine);
      newLine += 1;
    } else if (!inHeader && current && line.startsWith('-')) current.removed.push(line.slice(1));
  }
  return [...files.values()];
}
