/**
 * Chaos on a real PostgreSQL of its own: `wh serve` and three `wh worker` processes push tasks through
 * DEV, QA, SEC and DOCS with the scripted agent (real worktrees, sandbox, git, merges), while the database
 * drops every connection (pg_terminate_backend) several times and restarts once, and a random worker is
 * SIGKILLed every few seconds and started again. Then it reads back what happened from the database.
 * Used by test/pg/chaos.test.ts (a short version in CI) and `npm run chaos` (a longer one).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type OwnPostgres, startOwnPostgres } from './own-postgres.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const STAGES = ['dev', 'qa', 'sec', 'docs'] as const;

export interface ChaosOptions {
  tasks: number;
  runs: number;
  workers: number;
  /** A random worker is SIGKILLed (and started again) this often. */
  killEverySeconds: number;
  /** pg_terminate_backend on every Workhorse connection, this many times, spread over the first minute. */
  connectionDrops: number;
  /** The whole server restarts once, after this many seconds. */
  restartAfterSeconds: number;
  /** Gives up waiting for the tasks after this long. */
  deadlineSeconds: number;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  tasks: number;
  complete: number;
  /** Tasks whose four passing stage results are not all there. */
  lostStageResults: number;
  /** (task, stage) pairs with more than one stage result. */
  duplicatedStageResults: number;
  /** Results written after their lease was gone (a killed or stalled worker's), refused by fencing. */
  refusedLateWrites: number;
  workersKilled: number;
  workersExitedOnTheirOwn: number;
  connectionDrops: number;
  serverRestarts: number;
  connectionsAtStart: number;
  connectionsAtEnd: number;
  /** From a worker's SIGKILL to its running jobs being claimed again, the longest (seconds). */
  longestReclaimSeconds: number;
  orphanedJobs: number;
  seconds: number;
}

interface Proc {
  child: ChildProcess;
  output: string;
  killedByUs: boolean;
  exited: Promise<number | null>;
  id: Promise<string>;
}

function start(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['bin/wh.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = {
    child,
    output: '',
    killedByUs: false,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    id: Promise.resolve(''),
  };
  proc.id = new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      proc.output += chunk.toString();
      const match = /worker (\S+) started/.exec(proc.output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  return proc;
}

function recipe(tasks: number): { steps: unknown[] } {
  const pass = (file: string) => ({
    report: { file, content: { status: 'pass', summary: 'ok', findings: [] } },
  });
  const steps: unknown[] = [];
  for (let n = 0; n < tasks; n++) {
    const task = `[t${n}]`;
    steps.push({
      role: 'dev',
      task,
      actions: [{ write: { path: `work/t${n}.txt`, content: `task ${n}\n` } }],
    });
  }
  steps.push({ role: 'qa', actions: [pass('bugs.json')] });
  steps.push({ role: 'sec', actions: [pass('security_report.json')] });
  steps.push({ role: 'docs', actions: [pass('docs_report.json')] });
  return { steps };
}

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Retries a read through the outages this harness makes. */
async function read<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await query<T>(url, text, values);
    } catch (error) {
      if (attempt >= 60) throw error;
      await sleep(500);
    }
  }
}

async function api(base: string, token: string, path: string, body: unknown): Promise<{ id: number }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => null);
    if (response?.ok) return (await response.json()) as { id: number };
    if (attempt >= 60) throw new Error(`POST ${path}: ${response?.status} ${await response?.text()}`);
    await sleep(500);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const own: OwnPostgres = await startOwnPostgres();
  const root = mkdtempSync(join(tmpdir(), 'wh-chaos-'));
  const procs: Proc[] = [];
  try {
    const repo = join(root, 'repo');
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'README.md'), '# chaos\n');
    execFileSync('git', ['-C', repo, 'add', '-A']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init']);
    const recipeFile = join(root, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe(options.tasks)));
    const env = { DATABASE_URL: own.url, WH_DATA_DIR: dataDir, AUTO_TRIGGER_AGENTS: 'true' };

    const serve = start(['serve', '--no-worker'], { ...env, PORT: '0' });
    procs.push(serve);
    const deadline = Date.now() + 60_000;
    let login: RegExpExecArray | null = null;
    while (!login && Date.now() < deadline) {
      login = /Log in: http:\/\/localhost:(\d+)\/ui\/\?token=(\S+)/.exec(serve.output);
      await sleep(100);
    }
    if (!login) throw new Error(`wh serve did not start: ${serve.output}`);
    const base = `http://127.0.0.1:${login[1]}`;
    const token = login[2]!;

    const workers: Proc[] = [];
    const startWorker = () => {
      const worker = start(['worker', '--concurrency', '2'], env);
      procs.push(worker);
      workers.push(worker);
      return worker;
    };
    for (let n = 0; n < options.workers; n++) startWorker();
    await Promise.all(workers.map((worker) => worker.id));
    // Measured once the workers' timers have run long enough for their pools to reach their steady size.
    await sleep(12_000);
    const connectionsAtStart = await steadyConnections(own.url);

    const roles = Object.fromEntries(['pm', ...STAGES].map((role) => [role, { backend: 'scripted' }]));
    const project = await api(base, token, '/api/projects', {
      name: 'chaos',
      repository: repo,
      test_command: 'true',
      settings: { roles, scriptedRecipe: recipeFile, sandbox: { network: 'none' } },
    });
    const runIds: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      runIds.push(
        (
          await api(base, token, '/api/runs', {
            project_id: project.id,
            goal: `chaos ${r}`,
            skip_planning: true,
          })
        ).id,
      );
    }
    for (let n = 0; n < options.tasks; n++) {
      await api(base, token, '/api/tasks', { run_id: runIds[n % runIds.length], title: `[t${n}] work` });
    }
    log(`${options.tasks} tasks in ${options.runs} runs queued; ${options.workers} workers; chaos begins`);

    // The chaos, until every task is complete or the deadline passes.
    const kills: Kill[] = [];
    let drops = 0;
    let restarts = 0;
    const dropTimes = Array.from({ length: options.connectionDrops }, (_, n) => 5 + n * 10);
    let nextKill = options.killEverySeconds;
    const until = Date.now() + options.deadlineSeconds * 1000;
    for (;;) {
      const elapsed = (Date.now() - started) / 1000;
      // Done when every task is complete and no job is left (the runs' integration tests included).
      const [{ left, open }] = (await read<{ left: number; open: number }>(
        own.url,
        `select (select count(*)::int from tasks where pipeline_stage <> 'complete') as left,
                (select count(*)::int from jobs where state in ('held', 'queued', 'running')) as open`,
      )) as [{ left: number; open: number }];
      if ((left === 0 && open === 0) || Date.now() > until) break;
      if (drops < dropTimes.length && elapsed >= dropTimes[drops]!) {
        const killed = await read<{ n: number }>(
          own.url,
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name like 'workhorse:%'`,
        );
        drops += 1;
        log(`dropped ${killed[0]?.n} connections (${drops}/${options.connectionDrops}); ${left} tasks left`);
      }
      if (restarts === 0 && elapsed >= options.restartAfterSeconds) {
        own.restart();
        restarts += 1;
        log(`restarted PostgreSQL; ${left} tasks left`);
      }
      if (elapsed >= nextKill) {
        nextKill += options.killEverySeconds;
        const live = workers.filter((worker) => worker.child.exitCode === null && !worker.killedByUs);
        const victim = live[Math.floor(Math.random() * live.length)];
        if (victim) {
          const id = await victim.id;
          const running = await read<{ id: number }>(
            own.url,
            `select id::int from jobs where lease_owner = $1 and state = 'running'`,
            [id],
          );
          const [{ now }] = (await read<{ now: Date }>(own.url, 'select now()')) as [{ now: Date }];
          victim.killedByUs = true;
          victim.child.kill('SIGKILL');
          kills.push({ at: now, workerId: id, jobIds: running.map((row) => row.id) });
          startWorker();
          log(`killed worker ${id} (${running.length} jobs running); ${left} tasks left`);
        }
      }
      await sleep(500);
    }

    const figures = await measure(own.url, kills);
    const connectionsAtEnd = await settle(own.url, connectionsAtStart);
    const workersExitedOnTheirOwn = procs.filter(
      (proc) => proc.child.exitCode !== null && !proc.killedByUs,
    ).length;
    for (const proc of procs) {
      if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    }
    await Promise.race([Promise.all(procs.map((proc) => proc.exited)), sleep(15_000)]);
    return {
      ...figures,
      workersKilled: kills.length,
      workersExitedOnTheirOwn,
      connectionDrops: drops,
      serverRestarts: restarts,
      connectionsAtStart,
      connectionsAtEnd,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    own.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

async function countConnections(url: string): Promise<number> {
  const [row] = await read<{ n: number }>(
    url,
    `select count(*)::int as n from pg_stat_activity where application_name like 'workhorse:%'`,
  );
  return row!.n;
}

/** The fewest connections seen over six seconds: the steady count, not a moment when timers overlap. */
async function steadyConnections(url: string): Promise<number> {
  if (process.env.CHAOS_DEBUG)
    console.log(
      await read(
        url,
        `select application_name, state, count(*)::int from pg_stat_activity where application_name like 'workhorse:%' group by 1, 2 order by 1`,
      ),
    );
  let fewest = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < 6; sample++) {
    fewest = Math.min(fewest, await countConnections(url));
    await sleep(1000);
  }
  return fewest;
}

/**
 * The steady count while everything still runs, once the pooled connections the load opened have closed
 * again (idle for 10 s): back to the start, or what it still is after 40 s.
 */
async function settle(url: string, atStart: number): Promise<number> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const now = await steadyConnections(url);
    if (now <= atStart || Date.now() > deadline) return now;
  }
}

type Measured = Pick<
  ChaosFigures,
  | 'tasks'
  | 'complete'
  | 'lostStageResults'
  | 'duplicatedStageResults'
  | 'refusedLateWrites'
  | 'longestReclaimSeconds'
  | 'orphanedJobs'
>;

/** A worker killed at `at` (the database's clock) while it held the leases of `jobIds`. */
interface Kill {
  at: Date;
  workerId: string;
  jobIds: number[];
}

/**
 * Whether the killed worker itself finished the job: its last transaction had been sent before the kill
 * and committed. Its events are stamped with the transaction's start, before the kill, so no event
 * follows the kill, and yet nothing was orphaned.
 */
async function finishedByItsWorker(url: string, jobId: number, workerId: string): Promise<boolean> {
  const [row] = await read<{ n: number }>(
    url,
    // A job whose handler applied an outcome ends in that outcome's event (a stage result), carrying `job`.
    `select count(*)::int as n from events where job_id = $1 and actor = $2
        and (type in ('job.succeeded', 'job.failed', 'job.retry_scheduled', 'job.dead', 'job.released')
             or payload ? 'job')`,
    [jobId, workerId],
  );
  return row!.n > 0;
}

async function measure(url: string, kills: Kill[]): Promise<Measured> {
  const [tasks] = await read<{ total: number; complete: number }>(
    url,
    `select count(*)::int as total, count(*) filter (where pipeline_stage = 'complete')::int as complete from tasks`,
  );
  const results = await read<{ task_id: number; stage: string; n: number }>(
    url,
    `select task_id::int, payload->>'from' as stage, count(*)::int as n from events
      where type = 'task.stage_result' and payload->>'result' = 'pass' group by 1, 2`,
  );
  const perTask = new Map<number, number>();
  for (const row of results) perTask.set(row.task_id, (perTask.get(row.task_id) ?? 0) + 1);
  const [refused] = await read<{ n: number }>(
    url,
    `select count(*)::int as n from events where type = 'job.stale_write_refused'`,
  );
  let longest = 0;
  let orphaned = 0;
  for (const kill of kills) {
    for (const jobId of kill.jobIds) {
      const [row] = await read<{ at: Date | null }>(
        url,
        // Claimed again by another worker; or finished after all (its result was written as it died).
        `select min(created_at) as at from events where job_id = $1 and created_at > $2
            and type not in ('job.output', 'job.lease_expired', 'job.stale_write_refused')`,
        [jobId, kill.at],
      );
      if (!row?.at && (await finishedByItsWorker(url, jobId, kill.workerId))) continue;
      orphaned += 1;
      const waited = row?.at ? (row.at.getTime() - kill.at.getTime()) / 1000 : Number.POSITIVE_INFINITY;
      if (!row?.at && process.env.CHAOS_DEBUG) {
        const [job] = await read(
          url,
          'select id, state, attempt, lease_owner, updated_at, last_error from jobs where id = $1',
          [jobId],
        );
        const events = await read(
          url,
          'select id, type, created_at, payload from events where job_id = $1 order by id',
          [jobId],
        );
        console.log('never reclaimed', kill.at, job, events);
      }
      longest = Math.max(longest, waited);
    }
  }
  return {
    tasks: tasks!.total,
    complete: tasks!.complete,
    lostStageResults: tasks!.total - [...perTask.values()].filter((n) => n === STAGES.length).length,
    duplicatedStageResults: results.filter((row) => row.n > 1).length,
    refusedLateWrites: refused!.n,
    longestReclaimSeconds: Math.round(longest * 10) / 10,
    orphanedJobs: orphaned,
  };
}

export function formatFigures(figures: ChaosFigures): string {
  return [
    `chaos: ${figures.complete}/${figures.tasks} tasks complete in ${figures.seconds} s`,
    `chaos: stage results lost ${figures.lostStageResults}, duplicated ${figures.duplicatedStageResults}; late results refused by their lease ${figures.refusedLateWrites}`,
    `chaos: workers SIGKILLed ${figures.workersKilled}, exited on their own ${figures.workersExitedOnTheirOwn}`,
    `chaos: connection drops ${figures.connectionDrops}, server restarts ${figures.serverRestarts}; connections ${figures.connectionsAtStart} at start, ${figures.connectionsAtEnd} at the end`,
    `chaos: orphaned jobs ${figures.orphanedJobs}, longest time to reclaim one ${figures.longestReclaimSeconds} s (target 45 s)`,
  ].join('\n');
}
