/**
 * The queue's hot statements as named prepared statements: on PostgreSQL the server keeps the statement
 * under its name (parsed once per connection), and a second call reuses it; on PGlite, or inside a
 * transaction, the same call runs as an ordinary query with the same answer.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { namedQuery } from '../../src/services/queue/named-query.ts';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  // One connection, so the session that prepared the statement is the one asked about it.
  database = await openTestDatabase({ poolSize: 1 });
});

afterAll(async () => {
  await database?.close();
});

async function prepared(name: string): Promise<string[]> {
  const result = await database.db.execute<{ statement: string }>(
    sql`select statement from pg_prepared_statements where name = ${name}`,
  );
  return result.rows.map((row) => row.statement);
}

it('answers with the statement rows, its parameters bound, on either database', async () => {
  const query = (n: number) => sql`select ${n}::int + 1 as next, ${'text'}::text as label`;
  expect((await namedQuery(database.db, 'wh_test_next', query(1))).rows).toEqual([
    { next: 2, label: 'text' },
  ]);
  expect((await namedQuery(database.db, 'wh_test_next', query(41))).rows).toEqual([
    { next: 42, label: 'text' },
  ]);
});

it('is kept by PostgreSQL under its name; PGlite prepares nothing by name', async () => {
  await namedQuery(database.db, 'wh_test_kept', sql`select ${7}::int as seven`);
  const statements = await prepared('wh_test_kept');
  if (TEST_DB_KIND === 'postgres') expect(statements).toEqual([expect.stringContaining('as seven')]);
  else expect(statements).toEqual([]);
});

it('runs as an ordinary query inside a transaction', async () => {
  const rows = await database.db.transaction(
    async (tx) => (await namedQuery(tx, 'wh_test_in_tx', sql`select ${3}::int as three`)).rows,
  );
  expect(rows).toEqual([{ three: 3 }]);
  expect(await prepared('wh_test_in_tx')).toEqual([]);
});
