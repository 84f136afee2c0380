/**
 * `npm run bench:startup`: how long `wh` takes to start and how much memory it takes, from the compiled
 * build (built first if the sources changed). Each row beside a bare `node -e 0` run in the same process,
 * the baseline: the least any Node command can cost on this machine.
 *
 * - `wh --help`, `wh --version`: wall time from spawn to exit, and peak RSS.
 * - `wh serve` ready: from spawn to the first 200 on /api/status, on a fresh PGlite data folder and on an
 *   existing one (made and migrated by one unmeasured start first); its idle RSS two seconds after, and its
 *   peak RSS when stopped. Beside a Fastify hello-world, the least an HTTP server costs here.
 * - `wh --help` from the sources through tsx, what a clone with a stale build runs: the cost of compiling
 *   TypeScript at every start, which the build removes.
 *
 * Targets: `wh --help` under 0.3 s and 70 MB; `wh serve` ready under 1.5 s and idle under 350 MB, fresh
 * folder and existing. Figures, never assertions.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIsCurrent } from '../bin/build-state.js';
import { median, printTable } from './stats.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const SAMPLES = Number(process.env.BENCH_STARTUP_SAMPLES ?? 10);
const SERVE_SAMPLES = Number(process.env.BENCH_STARTUP_SERVE_SAMPLES ?? 5);
const work = mkdtempSync(join(tmpdir(), 'wh-bench-startup-'));
const rssFile = join(work, 'rss');
const PROBE = ['--import', new URL('./peak-rss.mjs', import.meta.url).href];
const ENV_DROPPED = ['DATABASE_URL', 'WH_DATA_DIR', 'PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS'];

interface Sample {
  ms: number;
  rssKb: number;
}

interface Served extends Sample {
  /** Resident set two seconds after it was ready, as /proc says. */
  idleKb: number;
}

const IDLE_AFTER_MS = 2000;

function residentKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !ENV_DROPPED.includes(key)));
  return { ...base, LOG_LEVEL: 'warn', WH_BENCH_RSS_FILE: rssFile, ...extra };
}

function peakRss(): number {
  const kb = Number(readFileSync(rssFile, 'utf8'));
  rmSync(rssFile);
  return kb;
}

/** One process from spawn to exit. */
function once(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...PROBE, ...args], { cwd: ROOT, env: env(), stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}`));
      else resolve({ ms, rssKb: peakRss() });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A server from spawn to the first 200 on `path`, its idle RSS a moment later, then stopped (SIGTERM) for
 * its peak RSS.
 */
async function serveOnce(
  args: string[],
  path: string,
  extraEnv: Record<string, string> = {},
): Promise<Served> {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, [...PROBE, ...args], {
    cwd: ROOT,
    env: env({ ...extraEnv, PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  let ms = Number.NaN;
  while (!gone) {
    const status = await fetch(`http://127.0.0.1:${port}${path}`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      ms = performance.now() - start;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (Number.isNaN(ms)) throw new Error(`${args.join(' ')} exited before it was ready: ${stderr}`);
  await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_MS));
  const idleKb = residentKb(child.pid!);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code} on SIGTERM: ${stderr}`);
  return { ms, rssKb: peakRss(), idleKb };
}

const whServe = (dataDir: string) =>
  serveOnce(['bin/wh.js', 'serve'], '/api/status', { WH_DATA_DIR: dataDir });
const helloWorld = () => serveOnce([new URL('./hello-fastify.mjs', import.meta.url).pathname], '/');

async function samples<T>(n: number, take: () => Promise<T>): Promise<T[]> {
  const taken: T[] = [];
  for (let i = 0; i < n; i++) taken.push(await take());
  return taken;
}

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) throw new Error('npm run build failed');
const compiledBefore = buildIsCurrent(ROOT);

try {
  await once(['-e', '0']); // warm the file cache before anything is measured
  const baseline = await samples(SAMPLES, () => once(['-e', '0']));
  const help = await samples(SAMPLES, () => once(['bin/wh.js', '--help']));
  const version = await samples(SAMPLES, () => once(['bin/wh.js', '--version']));
  const fromSources = await samples(SAMPLES, () => once(['--import', 'tsx', 'src/cli/main.ts', '--help']));
  await helloWorld(); // warms the file cache for Fastify: not measured
  const hello = await samples(SERVE_SAMPLES, helloWorld);
  let fresh = 0;
  const serveFresh = await samples(SERVE_SAMPLES, () => whServe(join(work, `fresh-${fresh++}`)));
  const dataDir = join(work, 'data');
  await whServe(dataDir); // makes and migrates the folder: not measured
  const serve = await samples(SERVE_SAMPLES, () => whServe(dataDir));

  // In a clone, a source saved during the run makes bin/wh.js run the sources from then on: say so.
  const compiled = compiledBefore && buildIsCurrent(ROOT);
  const baseMs = median(baseline.map((s) => s.ms));
  const baseKb = median(baseline.map((s) => s.rssKb));
  const row = (what: string, taken: Sample[], target: string) => {
    const ms = median(taken.map((s) => s.ms));
    const kb = median(taken.map((s) => s.rssKb));
    return [
      what,
      String(taken.length),
      ms.toFixed(0),
      (kb / 1024).toFixed(0),
      (ms / baseMs).toFixed(2),
      (kb / baseKb).toFixed(2),
      target,
    ];
  };
  const rows = [
    row('node -e 0 (baseline)', baseline, ''),
    row('wh --help', help, '< 300 ms, < 70 MB'),
    row('wh --version', version, ''),
    row('wh --help from sources (tsx)', fromSources, ''),
  ];
  console.log(
    `\nStartup: medians, ${compiled ? 'wh from the compiled build (dist/)' : 'wh (some runs) from the SOURCES: a source changed during the run, so the build was stale'}\n`,
  );
  printTable(['what', 'runs', 'wall ms', 'peak RSS MB', 'ms ÷ baseline', 'RSS ÷ baseline', 'target'], rows);

  const helloMs = median(hello.map((s) => s.ms));
  const helloIdle = median(hello.map((s) => s.idleKb));
  const served = (what: string, taken: Served[], target: string) => {
    const ms = median(taken.map((s) => s.ms));
    const idle = median(taken.map((s) => s.idleKb));
    return [
      what,
      String(taken.length),
      ms.toFixed(0),
      (idle / 1024).toFixed(0),
      (median(taken.map((s) => s.rssKb)) / 1024).toFixed(0),
      (ms / helloMs).toFixed(2),
      (idle / helloIdle).toFixed(2),
      target,
    ];
  };
  console.log('\nServing: medians, beside a Fastify hello-world (the baseline)\n');
  printTable(
    ['what', 'runs', 'ready ms', 'idle RSS MB', 'peak RSS MB', 'ms ÷ baseline', 'idle ÷ baseline', 'target'],
    [
      served('Fastify hello-world (baseline)', hello, ''),
      served('wh serve, fresh PGlite folder', serveFresh, '≤ 1500 ms, ≤ 350 MB'),
      served('wh serve, existing PGlite folder', serve, '≤ 1500 ms, ≤ 350 MB'),
    ],
  );
  console.log(
    "\nA fresh folder is copied from the build's migrated template (dist/pglite-template); without one, a child process makes it.",
  );
  const helpMs = median(help.map((s) => s.ms));
  const helpMb = median(help.map((s) => s.rssKb)) / 1024;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const serveTarget = (what: string, taken: Served[]) => {
    const ms = median(taken.map((s) => s.ms));
    const mb = median(taken.map((s) => s.idleKb)) / 1024;
    return `${what} ready ${ms.toFixed(0)} ms, idle ${mb.toFixed(0)} MB (${met(ms <= 1500 && mb <= 350)})`;
  };
  console.log(
    `\nTargets: wh --help ${helpMs.toFixed(0)} ms / ${helpMb.toFixed(0)} MB (< 300 ms, < 70 MB: ${met(helpMs < 300 && helpMb < 70)}); ` +
      `${serveTarget('serve on a fresh folder', serveFresh)}; ${serveTarget('serve on an existing folder', serve)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
