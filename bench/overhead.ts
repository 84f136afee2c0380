/**
 * `npm run bench:overhead`: what Workhorse adds to each stage of a task, everything that is not the agent.
 * `BENCH_OVERHEAD_TASKS` tasks (default 3, each waiting for the one before) go DEV -> QA -> SEC -> DOCS ->
 * COMPLETE in a real git repository, created through the services and run by the real Worker as `wh serve`
 * runs it (default poll, woken by NOTIFY; agents and gates in bubblewrap where it runs; see
 * systems/pipeline.ts). Each agent is a shell script that sleeps `BENCH_AGENT_SECONDS` (default 5), leaves
 * its stage's evidence (a change, a passing report) and exits 0; the test gate is `true`. On PGlite in a
 * data folder (what `wh serve` runs by default) and on PostgreSQL.
 *
 * A stage's overhead is the time from its job being queued (in the previous stage's verdict) to its own
 * verdict applied, less the agent's own time (its first line to its last, as it stamps them). Broken down,
 * from the jobs' created_at, started_at and finished_at and the agent's stamps: queued -> claimed; claimed ->
 * the agent's first line (work context, worktree, prompt, sandbox, spawn); the agent's last line -> verdict
 * applied (exit, log, evidence, gates, commit, and at DOCS the merge into the run branch with its tests).
 * Baselines, in the same process: `sleep` spawned directly (spawn to exit, less the sleep), the least any
 * agent process costs; and an empty bubblewrap sandbox (`bwrap ... true`), which every agent and gate pays.
 *
 * Target: overhead per stage ≤ 300 ms (p50). Figures, never assertions.
 */
import { execa } from 'execa';
import { bubblewrapProblem } from '../src/agents/sandbox.ts';
import { detectSandbox } from '../src/server/agent-setup.ts';
import { withFreshDatabase } from './databases.ts';
import { percentile, printTable } from './stats.ts';
import { runPipeline, type StageTiming } from './systems/pipeline.ts';

const TASKS = Number(process.env.BENCH_OVERHEAD_TASKS ?? 3);
const SECONDS = Number(process.env.BENCH_AGENT_SECONDS ?? 5);
const SANDBOX_SAMPLES = 20;
const STAGES = ['dev', 'qa', 'sec', 'docs'];
const TARGET_MS = 300;

/** `sleep SECONDS` spawned directly, as the runner spawns agents (execa): spawn to exit, less the sleep. */
async function sleepBaseline(): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < TASKS; i++) {
    const start = performance.now();
    await execa('sleep', [String(SECONDS)]);
    samples.push(performance.now() - start - SECONDS * 1000);
  }
  return samples;
}

/** An empty sandbox, spawn to exit: bubblewrap's own check, with the isolation every agent gets. */
function sandboxBaseline(bwrap: string): number[] {
  bubblewrapProblem(bwrap); // warms the file cache: not measured
  const samples: number[] = [];
  for (let i = 0; i < SANDBOX_SAMPLES; i++) {
    const start = performance.now();
    const problem = bubblewrapProblem(bwrap);
    samples.push(performance.now() - start);
    if (problem) throw new Error(`bubblewrap failed: ${problem}`);
  }
  return samples;
}

const ms = (value: number) => value.toFixed(0);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const overheadOf = (t: StageTiming) => t.queueMs + t.beforeMs + t.afterMs;

function baselineRow(what: string, samples: number[]): string[] {
  const all = sorted(samples);
  return ['baseline', what, String(all.length), ms(percentile(all, 50)), ms(all.at(-1)!), '', '', '', ''];
}

function stageRows(database: string, timings: StageTiming[]): string[][] {
  return STAGES.map((stage) => {
    const of = timings.filter((t) => t.stage === stage);
    const p50 = (pick: (t: StageTiming) => number) => ms(percentile(sorted(of.map(pick)), 50));
    const overhead = sorted(of.map(overheadOf));
    return [
      database,
      stage,
      String(of.length),
      ms(percentile(overhead, 50)),
      ms(overhead.at(-1)!),
      p50((t) => t.queueMs),
      p50((t) => t.beforeMs),
      p50((t) => t.afterMs),
      p50((t) => t.agentMs),
    ];
  });
}

function targetLine(database: string, timings: StageTiming[]): string {
  const p50s = STAGES.map((stage) =>
    percentile(sorted(timings.filter((t) => t.stage === stage).map(overheadOf)), 50),
  );
  const worst = Math.max(...p50s);
  const max = Math.max(...timings.map(overheadOf));
  return `${database} worst stage p50 ${ms(worst)} ms, max ${ms(max)} ms (${worst <= TARGET_MS ? 'met' : 'MISSED'})`;
}

const sandbox = detectSandbox({ allowUnsandboxed: false });
const baselines = [
  baselineRow(`sleep ${SECONDS} spawned directly, less ${SECONDS} s`, await sleepBaseline()),
];
if (sandbox.bwrap)
  baselines.push(baselineRow('an empty sandbox: bwrap ... true', sandboxBaseline(sandbox.bwrap)));

const pglite = await runPipeline(null, TASKS, SECONDS);
const postgres = await withFreshDatabase('wh_bench_overhead', (url) => runPipeline(url, TASKS, SECONDS));

console.log(
  `\nOverhead per stage: ${TASKS} task(s) one after another, agents that sleep ${SECONDS} s, ${sandbox.available ? 'in bubblewrap' : `UNCONFINED (${sandbox.problem})`}; ms\n`,
);
printTable(
  [
    'database',
    'stage',
    'n',
    'overhead p50',
    'overhead max',
    'queued -> claimed p50',
    'claimed -> agent runs p50',
    'agent done -> verdict p50',
    'agent p50',
  ],
  [...baselines, ...stageRows('pglite', pglite), ...stageRows('postgres', postgres)],
);
console.log(
  `\nTarget: overhead per stage <= ${TARGET_MS} ms. ${targetLine('PGlite', pglite)}; ${targetLine('PostgreSQL', postgres)}`,
);
