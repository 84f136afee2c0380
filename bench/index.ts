/**
 * `npm run bench`: every benchmark in turn, each in a process of its own. In one process they would
 * measure each other: every child started from a parent that earlier benchmarks grew costs more to start,
 * and on Linux a child's peak memory starts from its parent's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  'queue',
  'wake-up',
  'events',
  'webhooks',
  'api',
  'transitions',
  'dashboard',
  'overhead',
  'startup',
];

const failed: string[] = [];
for (const name of BENCHMARKS) {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const { status, error } = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
  if (status !== 0) failed.push(`${name} (${error?.message ?? `exit ${status}`})`);
}
if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} of ${BENCHMARKS.length} failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
