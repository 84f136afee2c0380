/**
 * `npm run bench:transitions`: what a stage transition costs, on PGlite in a data folder (what `wh serve`
 * runs by default) and on PostgreSQL, each in a fresh database, through the API with an admin token.
 *
 * - Transitions: `POST /api/tasks/{id}/advance-stage` with `{"result":"pass"}` from 4 clients at once, each
 *   walking its share of `BENCH_TRANSITION_TASKS` tasks (default 1,000) of one run through all four passes
 *   (DEV -> QA -> SEC -> DOCS -> COMPLETE), one request after another: every request is a real transition
 *   (and the run's last completion moves it to testing, as it would).
 *   Agents are not triggered automatically (the default), so as in production each transition cancels the
 *   old stage's job and opens the next one held in the same transaction; no worker claims them. Baseline,
 *   in the same process and window: a Fastify hello-world POST of the same JSON body, same clients, same
 *   number of requests. Targets: p99 ≤ 10 ms on PGlite, ≥ 500 transitions/s on PostgreSQL.
 * - Growth: one pass of every task of a run of `BENCH_GROWTH_TASKS` tasks (default 1,000) and as many
 *   `GET /api/runs/{id}/task-progress`, from one client, one request after another: once while `events` and
 *   `jobs` hold about a thousand rows, once after `BENCH_GROWTH_ROWS` (default 100,000) rows more in each,
 *   of other projects' runs. Target: flat, the second's p50 and p99 within 20% of the first's.
 *
 * Both measure after a warm-up on a run of their own. Figures, never assertions.
 */
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import type { Db } from '../src/db/client.ts';
import { createRun } from '../src/services/runs.ts';
import { createTask } from '../src/services/tasks.ts';
import { type BenchServer as Server, withServer } from './api-server.ts';
import { drive, type Load, printTable } from './stats.ts';

const TASKS = Number(process.env.BENCH_TRANSITION_TASKS ?? 1000);
const GROWTH_TASKS = Number(process.env.BENCH_GROWTH_TASKS ?? 1000);
const GROWTH_ROWS = Number(process.env.BENCH_GROWTH_ROWS ?? 100_000);
const CLIENTS = 4;
const PASSES = 4;
const PASS = { result: 'pass' };

/** The clients' requests: client c walks tasks c, c + 4, … each through all four passes. */
function walks(base: string, taskIds: readonly number[]): string[][] {
  return Array.from({ length: CLIENTS }, (_, client) =>
    taskIds
      .filter((_, i) => i % CLIENTS === client)
      .flatMap((id) => Array<string>(PASSES).fill(`${base}/api/tasks/${id}/advance-stage`)),
  );
}

async function helloWorld(requests: number): Promise<Load> {
  const app = Fastify();
  app.post('/', async () => ({ hello: 'world' }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const clients = Array.from({ length: CLIENTS }, () =>
    Array<string>(Math.ceil(requests / CLIENTS)).fill(base),
  );
  try {
    await drive(clients, {}, PASS); // warm up
    return await drive(clients, {}, PASS);
  } finally {
    await app.close();
  }
}

async function newRun(server: Server, count: number): Promise<{ runId: number; taskIds: number[] }> {
  const { ctx, projectId } = server;
  const { run } = await createRun(ctx, { projectId, goal: `${count} tasks`, skipPlanning: true });
  const taskIds: number[] = [];
  for (let i = 1; i <= count; i++) {
    const { task } = await createTask(ctx, {
      runId: run.id,
      title: `Task ${i} of ${count}`,
      priority: (i % 10) + 1,
    });
    taskIds.push(task.id);
  }
  return { runId: run.id, taskIds };
}

async function transitions(server: Server): Promise<Load> {
  const warm = await newRun(server, Math.max(CLIENTS, Math.round(TASKS / 10)));
  await drive(walks(server.base, warm.taskIds), server.auth, PASS);
  const { taskIds } = await newRun(server, TASKS);
  await server.ctx.db.execute('analyze');
  return drive(walks(server.base, taskIds), server.auth, PASS);
}

/**
 * `rows` jobs and as many events in a project of their own: runs of 1,000 complete tasks, five jobs per task
 * (dev, qa, sec, docs and dev again after a loop-back), one event per job.
 */
async function fill(db: Db, rows: number): Promise<void> {
  const taskCount = Math.ceil(rows / 5);
  await db.execute(sql`with project as (insert into projects (name, repository) values ('filler', '/tmp') returning id)
    insert into runs (project_id, goal, phase)
    select project.id, 'filler', 'deployed' from project, generate_series(1, ${Math.ceil(taskCount / 1000)})`);
  await db.execute(sql`insert into tasks (run_id, title, pipeline_stage)
    select r.id, 'filler ' || g, 'complete'
    from (select runs.id, row_number() over (order by runs.id) as n from runs join projects p on p.id = project_id
          where p.name = 'filler') r
    join generate_series(0, ${taskCount - 1}) g on g / 1000 + 1 = r.n`);
  await db.execute(sql`insert into jobs (kind, run_id, task_id, stage, role, state, finished_at)
    select 'stage', t.run_id, t.id, s.stage, s.stage, 'succeeded', now()
    from tasks t join runs r on r.id = t.run_id join projects p on p.id = r.project_id and p.name = 'filler',
      unnest(array['dev', 'qa', 'sec', 'docs', 'dev']) as s(stage)
    limit ${rows}`);
  await db.execute(sql`insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
    select 'task.stage_advanced', r.project_id, j.run_id, j.task_id, j.id, 'filler', jsonb_build_object('to', j.stage)
    from jobs j join runs r on r.id = j.run_id join projects p on p.id = r.project_id and p.name = 'filler'`);
  await db.execute('analyze');
}

interface Sample {
  rows: string;
  advance: Load;
  progress: Load;
}

async function growth(server: Server): Promise<[Sample, Sample]> {
  const { base, auth, ctx } = server;
  const sample = async (runId: number, taskIds: number[]): Promise<Sample> => {
    const { rows } = await ctx.db.execute<{ events: number; jobs: number }>(
      sql`select (select count(*) from events)::int as events, (select count(*) from jobs)::int as jobs`,
    );
    return {
      rows: `${rows[0]!.events} events, ${rows[0]!.jobs} jobs`,
      advance: await drive([taskIds.map((id) => `${base}/api/tasks/${id}/advance-stage`)], auth, PASS),
      progress: await drive(
        [Array<string>(taskIds.length).fill(`${base}/api/runs/${runId}/task-progress`)],
        auth,
      ),
    };
  };
  const warm = await newRun(server, 50);
  for (let pass = 0; pass < PASSES; pass++) await sample(warm.runId, warm.taskIds);
  const { runId, taskIds } = await newRun(server, GROWTH_TASKS);
  await ctx.db.execute('analyze');
  const small = await sample(runId, taskIds);
  await fill(ctx.db, GROWTH_ROWS);
  return [small, await sample(runId, taskIds)];
}

const baseline = await helloWorld(TASKS * PASSES);
const measured: [string, Load, string][] = [];
const grown: [string, [Sample, Sample]][] = [];
for (const kind of ['pglite', 'postgres'] as const) {
  const load = await withServer(kind, 'transitions', transitions);
  const target =
    kind === 'pglite'
      ? `p99 ≤ 10 ms: ${load.p99 <= 10 ? 'met' : 'missed'}`
      : `≥ 500/s: ${load.perSecond >= 500 ? 'met' : 'missed'}`;
  measured.push([`${kind}: advance-stage`, load, target]);
  grown.push([kind, await withServer(kind, 'transitions', growth)]);
}

console.log(
  `\nTransitions: ${TASKS} tasks × ${PASSES} passes, ${CLIENTS} clients, each request a transition, after a warm-up\n`,
);
printTable(
  ['what', 'requests', 'per s', 'p50 ms', 'p99 ms', 'per s ÷ baseline', 'target'],
  [['Fastify hello-world POST (baseline)', baseline, ''] as const, ...measured].map(
    ([what, load, target]) => [
      what,
      String(load.requests),
      load.perSecond.toFixed(0),
      load.p50.toFixed(2),
      load.p99.toFixed(2),
      (load.perSecond / baseline.perSecond).toFixed(3),
      target,
    ],
  ),
);

console.log(
  `\nGrowth: a run of ${GROWTH_TASKS} tasks, ${GROWTH_TASKS} requests of each, one client; before and after ` +
    `${GROWTH_ROWS} rows more in events and jobs (other projects). Target: ratio ≤ 1.20\n`,
);
for (const [kind, [small, large]] of grown) console.log(`${kind}: ${small.rows} before; ${large.rows} after`);
console.log();
/** The ratio as printed, marked when it is over the target. */
const ratio = (after: number, before: number) => {
  const printed = (after / before).toFixed(2);
  return Number(printed) <= 1.2 ? printed : `${printed} (over)`;
};
printTable(
  ['what', 'p50 ms before', 'after', 'ratio', 'p99 ms before', 'after', 'ratio'],
  grown.flatMap(([kind, [small, large]]) =>
    (['advance', 'progress'] as const).map((which) => [
      `${kind}: ${which === 'advance' ? 'advance-stage' : 'task-progress'}`,
      small[which].p50.toFixed(2),
      large[which].p50.toFixed(2),
      ratio(large[which].p50, small[which].p50),
      small[which].p99.toFixed(2),
      large[which].p99.toFixed(2),
      ratio(large[which].p99, small[which].p99),
    ]),
  ),
);
