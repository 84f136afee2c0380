/**
 * Real processes through real outages. On the shared PostgreSQL: `wh serve` under a pg_terminate_backend
 * loop keeps one LISTEN connection and no more connections than it started with. On a PostgreSQL of the
 * test's own, stopped and started: an idle `wh worker` stays up, logs the outage once and works when the
 * server is back; `wh serve` answers 503 meanwhile (status included) and 200 after; and a worker told
 * `--max-outage-seconds` gives up with exit code 3.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { type OwnPostgres, startOwnPostgres } from '../support/own-postgres.ts';
import { withAdmin } from '../support/postgres.ts';
import { killChildren, removeTempDirs, startServe, tempDir, within } from '../support/wh-process.ts';
import { openQueueHarness, type QueueHarness, waitFor } from './worker-processes.ts';

afterEach(killChildren);
afterAll(removeTempDirs);

async function connectionsOf(pid: number): Promise<{ listen: number; all: number }> {
  return withAdmin(async (admin) => {
    const result = await admin.query(
      `select count(*) filter (where application_name = $1)::int as listen, count(*)::int as all
         from pg_stat_activity where application_name like $2`,
      [`workhorse:${pid}:listen`, `workhorse:${pid}%`],
    );
    return result.rows[0] as { listen: number; all: number };
  });
}

/** The fewest connections seen over three seconds (the pool grows for a moment when timers overlap). */
async function steadyConnectionsOf(pid: number): Promise<{ listen: number; all: number }> {
  let fewest = { listen: Number.POSITIVE_INFINITY, all: Number.POSITIVE_INFINITY };
  for (let sample = 0; sample < 6; sample++) {
    const now = await connectionsOf(pid);
    if (now.all < fewest.all) fewest = now;
    await sleep(500);
  }
  return fewest;
}

interface Status {
  connection: { reachable: boolean; listening: boolean; outages: number };
  queue: unknown;
}

async function status(base: string): Promise<{ code: number; body: Status }> {
  const response = await fetch(`${base}/api/status`);
  return { code: response.status, body: (await response.json()) as Status };
}

describe('wh serve under a pg_terminate_backend loop (shared PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('keeps exactly one LISTEN connection and its connection count flat', { timeout: 90_000 }, async () => {
    const { wh, base } = await startServe(tempDir(), { DATABASE_URL: database.url! });
    const pid = wh.child.pid!;
    await waitFor('the server to listen', async () => (await connectionsOf(pid)).listen === 1);
    const start = await steadyConnectionsOf(pid);
    for (let round = 1; round <= 5; round++) {
      await withAdmin((admin) =>
        admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like $1`, [
          `workhorse:${pid}%`,
        ]),
      );
      // The status says `listening` until the server notices the drop: wait for this round's outage to
      // be counted first, or the check below could read the connection before it was dropped.
      await waitFor('its LISTEN connection to come back', async () => {
        const { connection } = (await status(base)).body;
        return connection.outages >= round && connection.listening;
      });
      expect((await connectionsOf(pid)).listen).toBe(1);
    }
    // Five drops leave no connection behind: a leak would add one (or double) per drop, and a leaked
    // client never goes idle. The pool may open extra clients while it recovers; it closes idle ones after
    // 10 s, so the count must come back to where it started (one of slack for overlapping timers).
    await waitFor(
      `the server's connections to come back to ${start.all + 1} or fewer`,
      async () => (await steadyConnectionsOf(pid)).all <= start.all + 1,
      25_000,
    );
    expect((await connectionsOf(pid)).listen).toBe(1);
    const last = await status(base);
    expect(last.code).toBe(200);
    expect(last.body.connection).toMatchObject({ reachable: true, listening: true, outages: 5 });
    expect(wh.child.exitCode).toBeNull();
  });
});

describe('through a stopped and restarted PostgreSQL (a server of its own)', () => {
  let own: OwnPostgres;
  let harness: QueueHarness;
  beforeAll(async () => {
    own = await startOwnPostgres();
    harness = await openQueueHarness('outage', own.url);
  }, 120_000);
  afterEach(() => {
    try {
      own.start();
    } catch {
      // It runs already.
    }
  });
  afterAll(async () => {
    await harness?.cleanup().catch(() => {});
    await harness?.close().catch(() => {});
    own?.destroy();
  });

  it('an idle worker stays up, logs the outage once, and works again when the server is back', {
    timeout: 90_000,
  }, async () => {
    const worker = harness.startWorker('--concurrency', '2');
    await worker.id;
    const first = await harness.enqueue('test.record', {});
    await waitFor('a job before the outage', () => harness.allSucceeded([first]), 20_000);

    own.stop();
    await sleep(6000);
    expect(worker.child.exitCode).toBeNull();
    own.start();

    const second = await waitFor('the harness to reach the server again', async () =>
      harness.enqueue('test.record', {}).catch(() => null),
    );
    await waitFor('a job after the outage', () => harness.allSucceeded([second]), 30_000);
    const output = worker.output();
    expect(output.match(/database unreachable/g)).toHaveLength(1);
    expect(output).toMatch(/database reachable again after \d+ s/);
    expect(worker.child.exitCode).toBeNull();
  });

  it('wh serve answers 503 while the server is down, and 200 when it is back', {
    timeout: 90_000,
  }, async () => {
    const { wh, base, token } = await startServe(tempDir(), { DATABASE_URL: own.url });
    expect((await status(base)).code).toBe(200);
    own.stop();
    const down = await waitFor('status to see the outage', async () => {
      const now = await status(base);
      return now.code === 503 ? now : null;
    });
    expect(down.body.connection).toMatchObject({ reachable: false, listening: false });
    expect(down.body.queue).toBeNull();
    const projects = await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(projects.status).toBe(503);
    expect(((await projects.json()) as { error: { code: string } }).error.code).toBe(
      'WH_DATABASE_UNAVAILABLE',
    );
    own.start();
    const up = await waitFor(
      'status to recover',
      async () => {
        const now = await status(base);
        return now.code === 200 && now.body.connection.listening ? now : null;
      },
      30_000,
    );
    expect(up.body.connection.outages).toBeGreaterThanOrEqual(1);
    expect(wh.child.exitCode).toBeNull();
  });

  it('a worker with --max-outage-seconds gives up with exit code 3', { timeout: 60_000 }, async () => {
    const worker = harness.startWorker('--max-outage-seconds', '2');
    await worker.id;
    own.stop();
    const exit = await within(worker.exit, 30_000, 'the worker to give up');
    expect(exit.code).toBe(3);
    expect(worker.output()).toMatch(/out of reach for longer than 2 s/);
  });
});
