/**
 * `npm run bench:api`: the API's hot paths for a run of 1,000 tasks, under load from autocannon (10
 * connections, `BENCH_API_SECONDS` each, default 5), on PGlite in a data folder (what `wh serve` runs by
 * default) and on PostgreSQL. Baseline, in the same process and window: a Fastify hello-world.
 *
 * - `GET /api/runs/{id}/task-progress`: six counts.
 * - `GET /api/runs/{id}/board`: every task of the run with what its card shows, as the dashboard reads it.
 * - `GET /api/tasks?run_id=` (the default page of 50) and `limit=500` (a page of the whole tasks, as the
 *   board read them before it had its own view).
 *
 * Targets: task-progress at 25% of hello-world's requests per second or more, p99 under 5 ms on PostgreSQL
 * and 10 ms on PGlite; the board's list p99 under 20 ms. Figures, never assertions.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createRun } from '../src/services/runs.ts';
import { createTask } from '../src/services/tasks.ts';
import { withServer } from './api-server.ts';
import { printTable } from './stats.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const CONNECTIONS = 10;

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  kb: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<Load> {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} answers that were not 2xx, ${result.errors} errors`);
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    kb: result.throughput.average / result.requests.average / 1024,
  };
}

async function helloWorld(): Promise<Load> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await load(base); // warm up
    return await load(base);
  } finally {
    await app.close();
  }
}

async function measure(kind: 'pglite' | 'postgres'): Promise<[string, Load][]> {
  return withServer(kind, 'api', async ({ base, auth, ctx, projectId }) => {
    const { run } = await createRun(ctx, { projectId, goal: 'bench', skipPlanning: true });
    for (let i = 1; i <= TASKS; i++)
      await createTask(ctx, { runId: run.id, title: `Task ${i} of ${TASKS}`, priority: (i % 10) + 1 });
    await ctx.db.execute('analyze');
    const paths: [string, string][] = [
      ['task-progress', `/api/runs/${run.id}/task-progress`],
      ['board, all tasks', `/api/runs/${run.id}/board`],
      ['task list, default page', `/api/tasks?run_id=${run.id}`],
      ['task list, limit=500', `/api/tasks?run_id=${run.id}&limit=500`],
    ];
    const measured: [string, Load][] = [];
    for (const [what, path] of paths) {
      await load(`${base}${path}`, auth); // warm up
      measured.push([`${kind}: ${what}`, await load(`${base}${path}`, auth)]);
    }
    return measured;
  });
}

const baseline = await helloWorld();
const rows: [string, Load][] = [['Fastify hello-world (baseline)', baseline], ...(await measure('pglite'))];
rows.push(...(await measure('postgres')));

console.log(
  `\nAPI under load: ${TASKS} tasks, ${CONNECTIONS} connections, ${SECONDS} s each, after a warm-up of as long\n`,
);
printTable(
  ['what', 'req/s', 'p50 ms', 'p99 ms', 'KB per answer', 'req/s ÷ baseline'],
  rows.map(([what, figures]) => [
    what,
    figures.perSecond.toFixed(0),
    figures.p50.toFixed(1),
    figures.p99.toFixed(1),
    figures.kb.toFixed(1),
    (figures.perSecond / baseline.perSecond).toFixed(3),
  ]),
);
