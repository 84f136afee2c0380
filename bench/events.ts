/**
 * `npm run bench:events`: how long a state change takes to reach an open dashboard. A write goes through the
 * API (service, transaction, event row, NOTIFY), the event hub reads it, and the SSE stream delivers it to a
 * connected client. Baseline, in the same process: a bare NOTIFY to LISTEN round trip on the same database.
 * Target: p99 under 250 ms.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/api/app.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { detectSandbox } from '../src/server/agent-setup.ts';
import { createProject } from '../src/services/projects.ts';
import { createRun } from '../src/services/runs.ts';
import { createToken } from '../src/services/tokens.ts';
import { withFreshDatabase } from './databases.ts';
import { percentile, printTable } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

async function notifyBaseline(database: Database): Promise<number[]> {
  const samples: number[] = [];
  let resolve: () => void = () => {};
  const unlisten = await database.listen('wh_bench', () => resolve());
  for (let i = 0; i < SAMPLES; i++) {
    const received = new Promise<void>((done) => {
      resolve = done;
    });
    const start = performance.now();
    await database.db.execute(sql`select pg_notify('wh_bench', ${String(i)})`);
    await received;
    samples.push(performance.now() - start);
  }
  await unlisten();
  return samples;
}

async function streamLatency(database: Database): Promise<number[]> {
  const ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
  const { token } = await createToken(ctx, { name: 'bench', role: 'admin' });
  const project = await createProject(ctx, { name: `events-${Date.now()}`, repository: '/tmp' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'latency', skipPlanning: true });
  const app = await buildApp({
    database,
    settings: ctx.settings,
    // Its projects are local paths: nothing is ever cloned into the data folder.
    dataDir: join(tmpdir(), 'wh-bench-data'),
    startedAt: new Date(),
    version: 'bench',
    sandbox: detectSandbox({ allowUnsandboxed: false }),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const controller = new AbortController();
  const response = await fetch(`${base}/api/events/stream?run_id=${run.id}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const waitFor = async (marker: string) => {
    let text = '';
    while (!text.includes(marker)) text += decoder.decode((await reader.read()).value, { stream: true });
  };
  await waitFor('event: ready');
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    const write = app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { authorization: `Bearer ${token}` },
      payload: { run_id: run.id, title: `latency probe ${i}` },
    });
    await waitFor(`latency probe ${i}"`);
    samples.push(performance.now() - start);
    await write;
  }
  controller.abort();
  await app.close();
  return samples;
}

async function measure(kind: 'pglite' | 'postgres', url?: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  try {
    await migrateDatabase(database);
    return { kind, baseline: await notifyBaseline(database), stream: await streamLatency(database) };
  } finally {
    await database.close();
  }
}

const results = [
  await measure('pglite'),
  await withFreshDatabase('wh_bench_events', (url) => measure('postgres', url)),
];
const rows = results.flatMap(({ kind, baseline, stream }) => {
  const b = [...baseline].sort((x, y) => x - y);
  const s = [...stream].sort((x, y) => x - y);
  return [
    [kind, 'NOTIFY -> LISTEN (baseline)', percentile(b, 50).toFixed(2), percentile(b, 99).toFixed(2), '1.00'],
    [
      kind,
      'API write -> SSE client',
      percentile(s, 50).toFixed(2),
      percentile(s, 99).toFixed(2),
      (percentile(s, 50) / percentile(b, 50)).toFixed(2),
    ],
  ];
});
console.log(`\nEvent delivery latency, ${SAMPLES} changes each (target: p99 under 250 ms)\n`);
printTable(['database', 'path', 'p50 ms', 'p99 ms', 'p50 ÷ baseline'], rows);
