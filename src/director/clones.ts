/**
 * Duplicated code, found by jscpd's detector (token windows hashed Rabin-Karp style, as its CLI does) over
 * the sources the Director hands it in memory. Only clones with a side in lines the change added count: the
 * change made them.
 */
import { Detector, getDefaultOptions, type IClone, MemoryStore } from '@jscpd/core';
import { getFormatByFile, Tokenizer } from '@jscpd/tokenizer';

export interface Source {
  path: string;
  content: string;
}

export interface AddedClone {
  /** Where the change added the copy (file and its lines). */
  added: { path: string; start: number; end: number };
  /** What it copies. */
  original: { path: string; start: number; end: number };
  lines: number;
}

export interface CloneOptions {
  minLines: number;
  minTokens: number;
}

function overlaps(start: number, end: number, lines: ReadonlySet<number>): boolean {
  for (let line = start; line <= end; line += 1) if (lines.has(line)) return true;
  return false;
}

/**
 * The clones among `sources` that lie at least partly in `added` lines (by path). Existing sources come
 * first, so every clone is reported from the side the change wrote.
 */
export async function clonesAddedBy(
  existing: readonly Source[],
  changed: readonly Source[],
  added: ReadonlyMap<string, ReadonlySet<number>>,
  options: CloneOptions,
): Promise<AddedClone[]> {
  const detector = new Detector(new Tokenizer(), new MemoryStore(), [], {
    ...getDefaultOptions(),
    minLines: options.minLines,
    minTokens: options.minTokens,
  });
  const clones: IClone[] = [];
  for (const source of [...existing, ...changed]) {
    const format = getFormatByFile(source.path);
    if (!format) continue;
    clones.push(...(await detector.detect(source.path, source.content, format)));
  }
  const found: AddedClone[] = [];
  for (const clone of clones) {
    for (const [mine, theirs] of [
      [clone.duplicationA, clone.duplicationB],
      [clone.duplicationB, clone.duplicationA],
    ] as const) {
      const lines = added.get(mine.sourceId);
      if (!lines || !overlaps(mine.start.line, mine.end.line, lines)) continue;
      found.push({
        added: { path: mine.sourceId, start: mine.start.line, end: mine.end.line },
        original: { path: theirs.sourceId, start: theirs.start.line, end: theirs.end.line },
        lines: mine.end.line - mine.start.line + 1,
      });
      break;
    }
  }
  return found;
}
