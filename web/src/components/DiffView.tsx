import { useMemo, useState } from 'react';
import { type DiffLine, lineDiff } from '../diff.ts';

/** Unchanged lines kept around each change; longer unchanged stretches fold into one row. */
const CONTEXT = 3;

type Row = { kind: 'line'; line: DiffLine } | { kind: 'fold'; count: number };

function fold(lines: DiffLine[]): Row[] {
  const near = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - CONTEXT); k <= Math.min(lines.length - 1, index + CONTEXT); k++)
      near[k] = true;
  });
  const rows: Row[] = [];
  let hidden = 0;
  lines.forEach((line, index) => {
    if (line.kind === 'same' && !near[index]) {
      hidden++;
      return;
    }
    if (hidden) rows.push({ kind: 'fold', count: hidden });
    hidden = 0;
    rows.push({ kind: 'line', line });
  });
  if (hidden) rows.push({ kind: 'fold', count: hidden });
  return rows;
}

/** A unified line diff of two texts, with old and new line numbers; unchanged stretches fold away. */
export function DiffView({ before, after, caption }: { before: string; after: string; caption: string }) {
  const [full, setFull] = useState(false);
  const lines = useMemo(() => lineDiff(before, after), [before, after]);
  const rows = useMemo<Row[]>(
    () => (full ? lines.map((line) => ({ kind: 'line', line })) : fold(lines)),
    [lines, full],
  );
  const added = lines.filter((line) => line.kind === 'add').length;
  const removed = lines.filter((line) => line.kind === 'del').length;
  return (
    <figure className="diff">
      <figcaption>
        <span>
          {caption}: <span className="diff-add-count">+{added}</span>{' '}
          <span className="diff-del-count">−{removed}</span>
          {added === 0 && removed === 0 ? ' (identical)' : ''}
        </span>
        <label className="check">
          <input type="checkbox" checked={full} onChange={(e) => setFull(e.target.checked)} />
          <span>Show unchanged lines</span>
        </label>
      </figcaption>
      <section className="diff-scroll" aria-label={caption}>
        <table className="diff-table">
          <tbody>
            {rows.map((row, index) =>
              row.kind === 'fold' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: a diff's rows have no identity but their place
                <tr key={index} className="diff-fold">
                  <td colSpan={4}>
                    ⋯ {row.count} unchanged {row.count === 1 ? 'line' : 'lines'}
                  </td>
                </tr>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: a diff's rows have no identity but their place
                <tr key={index} className={`diff-${row.line.kind}`}>
                  <td className="diff-no">{row.line.oldNo ?? ''}</td>
                  <td className="diff-no">{row.line.newNo ?? ''}</td>
                  <td className="diff-sign" aria-hidden="true">
                    {row.line.kind === 'add' ? '+' : row.line.kind === 'del' ? '−' : ' '}
                  </td>
                  <td className="diff-text">
                    {row.line.kind === 'add' ? <span className="visually-hidden">added: </span> : null}
                    {row.line.kind === 'del' ? <span className="visually-hidden">removed: </span> : null}
                    {row.line.text || '\u00a0'}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </section>
    </figure>
  );
}
