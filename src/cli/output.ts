/**
 * How commands print: `--json` prints the API's answer as it came (for scripts and `jq`); otherwise a plain
 * aligned table or `key: value` lines, with no colour so the output pipes cleanly.
 */

import type { RunUsage } from '../contracts/runs.ts';

export type Cell = string | number | boolean | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => Cell;
  /** Longer values are cut with an ellipsis so one row stays one line. */
  max?: number;
}

function text(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  return String(cell).replace(/\s+/g, ' ');
}

/** `text` on one line of at most `width` characters: a longer one ends in an ellipsis. */
export function cutToWidth(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}

/** What agents used, as a person reads it: `1200 tokens, $0.42` (no cost where none was reported). */
export function tokensAndCost(usage: Pick<RunUsage, 'input_tokens' | 'output_tokens' | 'cost_usd'>): string {
  const tokens = usage.input_tokens + usage.output_tokens;
  return usage.cost_usd === null ? `${tokens} tokens` : `${tokens} tokens, $${usage.cost_usd.toFixed(2)}`;
}

export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const value = text(column.value(row));
      return column.max === undefined ? value : cutToWidth(value, column.max);
    }),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]!)))
      .join('  ');
  return [line(columns.map((column) => column.header.toUpperCase())), ...cells.map(line)].join('\n');
}

export function formatFields(fields: readonly [string, Cell][]): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  return fields.map(([name, value]) => `${`${name}:`.padEnd(width + 1)} ${text(value)}`).join('\n');
}

export function print(output: string): void {
  process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** A listing: JSON as the API sent it, or a table with a count line under it. */
export function printList<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  options: { json?: boolean; raw?: unknown; total?: number; noun: string },
): void {
  if (options.json) printJson(options.raw ?? rows);
  else if (rows.length === 0) print(`no ${options.noun}`);
  else {
    const total = options.total ?? rows.length;
    const more = total > rows.length ? ` (showing ${rows.length}; --limit/--offset for more)` : '';
    print(`${formatTable(rows, columns)}\n${total} ${options.noun}${more}`);
  }
}
