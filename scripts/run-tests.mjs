#!/usr/bin/env node
/**
 * The whole test suite, as the README and CI run it: typecheck, lint, dead code (knip), then every vitest project.
 * Ends with one plain line, `N passed, N failed[, N skipped]`, counted from vitest's JSON report.
 * With CI=true a skipped test fails the run: tests that need PostgreSQL or Chromium must run there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const REPORT = 'test-results/vitest.json';
const ci = process.env.CI === 'true';

function step(title, command, args) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

mkdirSync('test-results', { recursive: true });
rmSync(REPORT, { force: true });
for (const file of readdirSync('test-results').filter((name) => name.startsWith('figures-')))
  rmSync(`test-results/${file}`);

let failedSteps = 0;
failedSteps += step('typecheck', 'npx', ['tsc', '--noEmit']) === 0 ? 0 : 1;
failedSteps += step('typecheck web', 'npx', ['tsc', '--noEmit', '-p', 'web']) === 0 ? 0 : 1;
failedSteps += step('lint', 'npx', ['biome', 'check', '.']) === 0 ? 0 : 1;
failedSteps += step('dead code', 'npx', ['knip', '--no-progress']) === 0 ? 0 : 1;
const vitestStatus = step('tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${REPORT}`,
  ...process.argv.slice(2),
]);

if (!existsSync(REPORT)) {
  process.stdout.write('\nvitest wrote no report\n0 passed, 1 failed\n');
  process.exit(1);
}
const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const passed = report.numPassedTests;
// A test file that failed before running any test (an import error, a failing hook) counts as one failure.
const brokenFiles = report.testResults.filter(
  (file) => file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed'),
).length;
const failed = report.numFailedTests + failedSteps + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;

// The count, honestly: rows of the domain's transition tables, tests of the test harness's own model
// server, and facts about the real agent CLIs (they run no Workhorse code) are counted apart.
const APART = [
  ['rows of the domain transition tables', /src\/domain\/(access|job-states|run-phases|stages)\.test\.ts$/],
  ["tests of the test harness's model server", /test\/model-server\/server\.test\.ts$/],
  ['facts about the real agent CLIs', /test\/model-server\/(claude|codex|gemini|opencode)\.test\.ts$/],
];
const apart = APART.map(([what, pattern]) => {
  const n = report.testResults
    .filter((file) => pattern.test(file.name))
    .reduce((sum, file) => sum + file.assertionResults.filter((test) => test.status === 'passed').length, 0);
  return `${n} ${what}`;
});
process.stdout.write(`\nOf the passing tests: ${apart.join('; ')}; the rest test behaviour.\n`);

// What the chaos and fuzz tests measured, for the record (and the closing note).
for (const file of readdirSync('test-results')
  .filter((name) => name.startsWith('figures-'))
  .sort())
  process.stdout.write(`\n${readFileSync(`test-results/${file}`, 'utf8').trim()}\n`);

// Each skip says why in its name (a missing PostgreSQL server, Chromium or bubblewrap): show them.
const skippedNames = report.testResults.flatMap((file) =>
  file.assertionResults
    .filter((test) => test.status === 'pending' || test.status === 'skipped' || test.status === 'todo')
    .map((test) => test.fullName),
);
for (const name of skippedNames.slice(0, 10)) process.stdout.write(`skipped: ${name}\n`);
if (skippedNames.length > 10) process.stdout.write(`skipped: ... and ${skippedNames.length - 10} more\n`);

if (failedSteps > 0)
  process.stdout.write(
    `\n${failedSteps} check step(s) failed (typecheck, lint or dead code), counted as failures\n`,
  );
if (ci && skipped > 0)
  process.stdout.write(`\nCI=true: ${skipped} skipped test(s) count as a failure here\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(vitestStatus !== 0 || failed > 0 || (ci && skipped > 0) ? 1 : 0);
