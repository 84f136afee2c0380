/**
 * `npm run bench:dashboard`: how long the run board takes to show a run of 1,000 tasks in Debian's Chromium,
 * from navigation until every task is counted on the board: cold (a new browser context, nothing cached)
 * and warm (the same page again), and what the cold load transferred. Baseline, in the same browser and
 * server: the same page for a run of one task. Targets: 1,000 tasks cold under 1 s, warm under 0.4 s.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { detectSandbox } from '../src/server/agent-setup.ts';
import { createProject } from '../src/services/projects.ts';
import { createRun } from '../src/services/runs.ts';
import { createTask } from '../src/services/tasks.ts';
import { createToken } from '../src/services/tokens.ts';
import { CHROMIUM, ensureBuilt } from '../test/browser/harness.ts';
import { percentile, printTable } from './stats.ts';

/** The page's globals, typed here because this file is compiled for Node, not the DOM. */
interface InPage {
  document: { querySelector(selector: string): { firstChild: { textContent: string | null } | null } | null };
}

const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

ensureBuilt();
const database = await openDatabase({});
await migrateDatabase(database);
const ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
const { token } = await createToken(ctx, { name: 'bench', role: 'admin' });
const project = await createProject(ctx, { name: 'dashboard-bench', repository: '/tmp' });

async function runWith(count: number): Promise<number> {
  const { run } = await createRun(ctx, { projectId: project.id, goal: `${count} tasks`, skipPlanning: true });
  for (let i = 1; i <= count; i++)
    await createTask(ctx, { runId: run.id, title: `Task ${i} of ${count}`, priority: (i % 10) + 1 });
  return run.id;
}

const small = await runWith(1);
const large = await runWith(TASKS);
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
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/ui/?token=${token}`);

/** From navigation until the board counts `expected` tasks in DEV. */
async function loadMs(on: Page, runId: number, expected: number): Promise<number> {
  const start = performance.now();
  await on.goto(`${base}/ui/run/${runId}/`);
  await on.waitForFunction(
    (count) =>
      (globalThis as unknown as InPage).document.querySelector('.column-dev .count')?.firstChild
        ?.textContent === String(count),
    expected,
    { timeout: 30_000 },
  );
  return performance.now() - start;
}

/** A load in a new browser context: nothing cached. Also what it transferred (encoded bodies and headers). */
async function coldLoad(runId: number, expected: number): Promise<{ ms: number; bytes: number }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  const fresh = await context.newPage();
  const sizes: Promise<number>[] = [];
  fresh.on('requestfinished', (request) =>
    sizes.push(
      request.sizes().then(
        (size) => size.responseBodySize + size.responseHeadersSize,
        // A request that ends as the context closes has no sizes any more: not part of the load.
        () => 0,
      ),
    ),
  );
  const ms = await loadMs(fresh, runId, expected);
  const bytes = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
  await context.close();
  return { ms, bytes };
}

const samples: Record<'coldSmall' | 'coldLarge' | 'warmSmall' | 'warmLarge', number[]> = {
  coldSmall: [],
  coldLarge: [],
  warmSmall: [],
  warmLarge: [],
};
const transferred: Record<'small' | 'large', number[]> = { small: [], large: [] };
await loadMs(page, small, 1);
await coldLoad(small, 1);
for (let round = 0; round < ROUNDS; round++) {
  const coldSmall = await coldLoad(small, 1);
  const coldLarge = await coldLoad(large, TASKS);
  samples.coldSmall.push(coldSmall.ms);
  samples.coldLarge.push(coldLarge.ms);
  transferred.small.push(coldSmall.bytes);
  transferred.large.push(coldLarge.bytes);
  samples.warmSmall.push(await loadMs(page, small, 1));
  samples.warmLarge.push(await loadMs(page, large, TASKS));
}
await browser.close();
await app.close();
await database.close();

const median = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    50,
  );
const row = (label: string, list: number[], baseline: number, bytes: number[] | null) => [
  label,
  median(list).toFixed(0),
  Math.max(...list).toFixed(0),
  (median(list) / baseline).toFixed(2),
  bytes ? (median(bytes) / 1024).toFixed(0) : '',
];
console.log(
  `\nRun board load in Chromium, ${ROUNDS} rounds (targets: ${TASKS} tasks cold under 1000 ms, warm under 400 ms)\n`,
);
printTable(
  ['run', 'median ms', 'worst ms', 'median ÷ baseline', 'transferred KB'],
  [
    row('cold, 1 task (baseline)', samples.coldSmall, median(samples.coldSmall), transferred.small),
    row(`cold, ${TASKS} tasks`, samples.coldLarge, median(samples.coldSmall), transferred.large),
    row('warm, 1 task (baseline)', samples.warmSmall, median(samples.warmSmall), null),
    row(`warm, ${TASKS} tasks`, samples.warmLarge, median(samples.warmSmall), null),
  ],
);
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `\nTargets: cold ${median(samples.coldLarge).toFixed(0)} ms (< 1000: ${met(median(samples.coldLarge) < 1000)}); ` +
    `warm ${median(samples.warmLarge).toFixed(0)} ms (< 400: ${met(median(samples.warmLarge) < 400)})`,
);
