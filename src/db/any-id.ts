import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/**
 * `column = any(ids)`: the ids travel as one array parameter. `inArray` sends one parameter per id, and
 * building a statement with a thousand of them cost a board request more than running it.
 */
export function anyId(column: AnyColumn, ids: readonly number[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::int[])`;
}
