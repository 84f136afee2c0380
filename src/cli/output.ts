/**
 * How commands print: `--json` prints the API's answer as it came (for scripts and `jq`); otherwise a plain
 * aligned table or `key: value` lines, with no colour so the output pipes cleanly.
 */

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

function cut(value: string, max: number | undefined): string {
  return max !== undefined && value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => cut(text(column.value(row)), column.max)));
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
