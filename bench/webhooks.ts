/**
 * `npm run bench:webhooks`: events per second the webhook dispatcher delivers to a local receiver (match,
 * claim under a lease, sign, POST, record each attempt), for one subscription (in order, one at a time) and
 * for four side by side. Baseline, in the same process and against the same receiver: a bare loop of the
 * same POSTs, one at a time and four at a time. A report, not a test: the ratio is the dispatcher's cost.
 * BENCH_SAMPLES sets the events per subscription (default 300).
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { createSubscription, sendTestEvent } from '../src/services/webhooks.ts';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.ts';
import { withFreshDatabase } from './databases.ts';
import { printTable } from './stats.ts';

const EVENTS = Number(process.env.BENCH_SAMPLES ?? 300);
const BODY = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { n: 0 } });

/** A receiver that answers 204 to everything and counts. */
async function startReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function post(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

/** Events per second of `lanes` bare POST loops side by side. */
async function bareLoop(url: string, lanes: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = 0; i < EVENTS; i += 1) await post(url);
    }),
  );
  return (EVENTS * lanes) / ((performance.now() - start) / 1000);
}

/** Events per second the dispatcher delivers to `lanes` subscriptions, each with EVENTS waiting. */
async function dispatched(url: string | undefined, receiverUrl: string, lanes: number): Promise<number> {
  const database = await openDatabase({ url, poolSize: 8 });
  try {
    await migrateDatabase(database);
    const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
    const subscriptions = [];
    for (let lane = 0; lane < lanes; lane += 1)
      subscriptions.push(
        await createSubscription(
          ctx,
          { url: receiverUrl, eventTypes: ['webhook.test'] },
          { allowPrivate: true },
        ),
      );
    for (let i = 0; i < EVENTS; i += 1)
      for (const subscription of subscriptions) await sendTestEvent(ctx, subscription.id);
    const dispatcher = new WebhookDispatcher({ db: database.db, allowPrivate: true, batch: lanes });
    const start = performance.now();
    let delivered = 0;
    while (delivered < EVENTS * lanes)
      delivered += (await dispatcher.tick()).filter((outcome) => outcome === 'delivered').length;
    const seconds = (performance.now() - start) / 1000;
    await dispatcher.stop();
    return (EVENTS * lanes) / seconds;
  } finally {
    await database.close();
  }
}

const receiver = await startReceiver();
const rows: string[][] = [];
try {
  for (const lanes of [1, 4]) {
    const bare = await bareLoop(receiver.url, lanes);
    rows.push(['—', String(lanes), 'bare POST loop (baseline)', bare.toFixed(0), '1.00']);
    const pglite = await dispatched(undefined, receiver.url, lanes);
    rows.push(['pglite', String(lanes), 'dispatcher', pglite.toFixed(0), (pglite / bare).toFixed(2)]);
    const postgres = await withFreshDatabase('wh_bench_webhooks', (url) =>
      dispatched(url, receiver.url, lanes),
    );
    rows.push(['postgres', String(lanes), 'dispatcher', postgres.toFixed(0), (postgres / bare).toFixed(2)]);
  }
} finally {
  await receiver.close();
}
console.log(`\nWebhook delivery throughput to a local receiver, ${EVENTS} events per subscription\n`);
printTable(['database', 'subscriptions', 'path', 'events/s', '÷ baseline'], rows);
