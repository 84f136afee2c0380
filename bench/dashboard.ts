/**
 * `npm run bench:dashboard`: how long the run board takes to show a run of 1,000 tasks in Debian's Chromium,
 * from navigation until every task is counted on the board. Baseline, in the same browser and server: the
 * same page for a run of one task. Target: under 1 s for 1,000 tasks.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
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

async function loadMs(runId: number, expected: number): Promise<number> {
  const start = performance.now();
  await page.goto(`${base}/ui/run/${runId}/`);
  await page.waitForFunction(
    (count) =>
      (globalThis as unknown as InPage).document.querySelector('.column-dev .count')?.firstChild
        ?.textContent === String(count),
    expected,
    { timeout: 30_000 },
  );
  return performance.now() - start;
}

const samples: Record<string, number[]> = { baseline: [], large: [] };
await loadMs(small, 1);
for (let round = 0; round < ROUNDS; round++) {
  samples.baseline!.push(await loadMs(small, 1));
  samples.large!.push(await loadMs(large, TASKS));
}
await browser.close();
await app.close();
await database.close();

const row = (label: string, list: number[], baseline: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return [
    label,
    percentile(sorted, 50).toFixed(0),
    percentile(sorted, 100).toFixed(0),
    (percentile(sorted, 50) / baseline).toFixed(2),
  ];
};
const baseline = percentile(
  [...samples.baseline!].sort((a, b) => a - b),
  50,
);
console.log(`\nRun board load in Chromium, ${ROUNDS} rounds (target: ${TASKS} tasks in under 1000 ms)\n`);
printTable(
  ['run', 'median ms', 'worst ms', 'median ÷ baseline'],
  [row('1 task (baseline)', samples.baseline!, baseline), row(`${TASKS} tasks`, samples.large!, baseline)],
);
