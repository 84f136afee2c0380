/**
 * The review's pure parts: the API's diff hunks in react-diff-view's shape, the line a comment is on, and
 * the syntax a file is highlighted as.
 */
import type { DiffFile } from './api.ts';

type ApiHunk = DiffFile['hunks'][number];

/** react-diff-view's hunk (gitdiff-parser's shape), built from the API's. */
export interface ViewHunk {
  content: string;
  oldStart: number;
  newStart: number;
  oldLines: number;
  newLines: number;
  changes: ViewChange[];
}

export type ViewChange =
  | { type: 'insert'; isInsert: true; lineNumber: number; content: string }
  | { type: 'delete'; isDelete: true; lineNumber: number; content: string }
  | { type: 'normal'; isNormal: true; oldLineNumber: number; newLineNumber: number; content: string };

export function toViewHunk(hunk: ApiHunk): ViewHunk {
  return {
    content: hunk.header,
    oldStart: hunk.old_start,
    newStart: hunk.new_start,
    oldLines: hunk.old_lines,
    newLines: hunk.new_lines,
    changes: hunk.lines.map((line): ViewChange => {
      if (line.kind === 'add')
        return { type: 'insert', isInsert: true, lineNumber: line.new_no ?? 0, content: line.text };
      if (line.kind === 'del')
        return { type: 'delete', isDelete: true, lineNumber: line.old_no ?? 0, content: line.text };
      return {
        type: 'normal',
        isNormal: true,
        oldLineNumber: line.old_no ?? 0,
        newLineNumber: line.new_no ?? 0,
        content: line.text,
      };
    }),
  };
}

/** react-diff-view's file type, which picks its colours for a whole file. */
export function viewDiffType(status: DiffFile['status']): 'add' | 'delete' | 'modify' | 'rename' {
  return status === 'added'
    ? 'add'
    : status === 'deleted'
      ? 'delete'
      : status === 'renamed'
        ? 'rename'
        : 'modify';
}

/**
 * The line a comment on a change is about, as the agent will read it: in the new file for added and
 * unchanged lines, in the old one for a removed line (which the new file no longer has).
 */
export function commentLine(change: ViewChange): number {
  return change.type === 'normal' ? change.newLineNumber : change.lineNumber;
}

const LANGUAGES: Readonly<Record<string, string>> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'jsx',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  json: 'json',
  css: 'css',
  html: 'markup',
  xml: 'markup',
  svg: 'markup',
  md: 'markdown',
  py: 'python',
  sh: 'bash',
  bash: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  go: 'go',
  rs: 'rust',
  java: 'java',
  sql: 'sql',
};

/** The refractor language a path is highlighted as; null for a kind of file it does not know. */
export function languageOf(path: string): string | null {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension ? (LANGUAGES[extension] ?? null) : null;
}
