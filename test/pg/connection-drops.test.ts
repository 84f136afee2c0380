/**
 * Dropped connections on a real PostgreSQL (pg_terminate_backend, as an operator or a failover does):
 * LISTEN keeps exactly one live connection and comes back by itself, re-LISTENed, telling its subscribers
 * to catch up; a pooled client killed between two queries of a transaction fails that transaction, never
 * the process; a read on a killed idle client is tried again on a fresh one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { isConnectionError } from '../../src/db/connection-errors.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { withAdmin } from '../support/postgres.ts';
import { waitFor } from './worker-processes.ts';

let test: TestDatabase;
let database: Database;

async function terminate(where: string): Promise<number> {
  return withAdmin(async (admin) => {
    const result = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where ${where} and pid <> pg_backend_pid()`,
    );
    return result.rowCount ?? 0;
  });
}

async function connections(applicationName: string): Promise<number> {
  return withAdmin(async (admin) => {
    const result = await admin.query(
      'select count(*)::int as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return result.rows[0].n as number;
  });
}

beforeAll(async () => {
  test = await openTestDatabase();
  database = await openDatabase({ url: test.url!, poolSize: 3 });
});

afterAll(async () => {
  await database?.close();
  await test?.close();
});

describe('LISTEN through dropped connections', () => {
  it('keeps exactly one live connection, re-LISTENs and tells subscribers to catch up', {
    timeout: 60_000,
  }, async () => {
    const received: string[] = [];
    let resumed = 0;
    await database.listen(
      'wh_test_a',
      (payload) => received.push(`a:${payload}`),
      () => resumed++,
    );
    await database.listen('wh_test_b', (payload) => received.push(`b:${payload}`));
    const name = `workhorse:${process.pid}:listen`;
    const first = database.listenerPid!();
    expect(first).not.toBeNull();
    expect(await connections(name)).toBe(1);

    let pid = first;
    for (let drop = 1; drop <= 5; drop++) {
      expect(await terminate(`pid = ${pid}`)).toBe(1);
      pid = await waitFor('the LISTEN connection to come back', async () => {
        const now = database.listenerPid!();
        return now !== null && now !== pid ? now : null;
      });
      await waitFor('catch-up to be signalled', async () => resumed === drop);
      expect(await connections(name)).toBe(1);
      await database.db.execute(
        sql`select pg_notify('wh_test_a', ${`after-${drop}`}), pg_notify('wh_test_b', 'x')`,
      );
      await waitFor(
        'both channels to hear it',
        async () =>
          received.includes(`a:after-${drop}`) && received.filter((r) => r === 'b:x').length === drop,
      );
    }
    expect(database.health.snapshot()).toMatchObject({ reachable: true, listening: true, outages: 5 });
    // No connection was leaked on the way: still one, after all five.
    await sleep(300);
    expect(await connections(name)).toBe(1);
  });
});

describe('pooled connections dropped under a query', () => {
  it('fails the transaction whose client was killed between two queries, and nothing else', async () => {
    const attempt = database.db.transaction(async (tx) => {
      const [row] = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows;
      expect(await terminate(`pid = ${row!.pid}`)).toBe(1);
      // The socket error arrives while the client is checked out, between two queries.
      await sleep(200);
      await tx.execute(sql`select 1`);
    });
    const error = await attempt.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(isConnectionError(error)).toBe(true);
    // The process is still here, and the pool hands out a working client.
    const [row] = (await database.db.execute<{ one: number }>(sql`select 1 as one`)).rows;
    expect(row).toEqual({ one: 1 });
  });

  it('tries a read once more when the idle client it got had been killed', async () => {
    await Promise.all([1, 2, 3].map(() => database.db.execute(sql`select pg_sleep(0.05)`)));
    const killed = await terminate(`application_name = 'workhorse:${process.pid}' and state = 'idle'`);
    expect(killed).toBeGreaterThan(0);
    const [row] = (await database.db.execute<{ n: number }>(sql`select 41 + 1 as n`)).rows;
    expect(row).toEqual({ n: 42 });
  });
});
