#!/usr/bin/env node
/**
 * `npm run build`: the server and CLI compiled from src/ into dist/ (tsc, test files left out), the files the
 * server reads beside its modules at run time copied there too (SQL migrations, role prompts, the scripted
 * agent), then the dashboard built into dist/web (vite). `bin/wh.js` runs dist/cli/main.js.
 *
 *   --server        the server only, not the dashboard (what a test or a benchmark needs)
 *   --out-dir DIR   build into DIR instead of dist/ (it must sit in a folder beside package.json, as dist/
 *                   does: modules find package.json and dist/web at the same depth)
 *   --if-stale      do nothing when the build is current (bin/build-state.js)
 *   --prepare       what `npm install` runs: nothing in an installed package (it has no src/, its dist/ came
 *                   with it), and a warning, not a failure, in a clone installed without devDependencies
 *
 * tsc runs with --noCheck: type checking is `npm run typecheck`'s job (and `npm test`'s); the build only
 * emits, in a few seconds instead of twenty.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILD_STAMP, buildIsCurrent } from '../bin/build-state.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCES = join(ROOT, 'src');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const outIndex = args.indexOf('--out-dir');
const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : join(ROOT, 'dist');

function binOf(pkg, name) {
  const require = createRequire(join(ROOT, 'package.json'));
  let manifest;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    return null;
  }
  const { bin } = require(manifest);
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
}

function run(title, file, argv) {
  const result = spawnSync(process.execPath, [file, ...argv], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: ${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (flag('--prepare') && !existsSync(SOURCES)) process.exit(0);
const tsc = binOf('typescript', 'tsc');
const vite = binOf('vite', 'vite');
if (!tsc || !vite) {
  const message = 'build: typescript and vite (devDependencies) are not installed, so nothing was built';
  if (flag('--prepare')) {
    process.stderr.write(`${message}; \`wh\` needs a build: run \`npm install\` with dev dependencies\n`);
    process.exit(0);
  }
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
if (flag('--if-stale') && buildIsCurrent(ROOT, outDir)) process.exit(0);

const started = new Date();
// A fresh output: no module of a deleted source lingers. The dashboard goes too unless it is kept.
mkdirSync(outDir, { recursive: true });
for (const entry of readdirSync(outDir))
  if (!(flag('--server') && entry === 'web')) rmSync(join(outDir, entry), { recursive: true, force: true });

run('tsc', tsc, ['-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir]);

// Everything in src/ that is not TypeScript is read at run time beside the module that reads it.
for (const entry of readdirSync(SOURCES, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || /\.ts$/.test(entry.name) || /\.test\./.test(entry.name)) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name);
  const to = join(outDir, relative(SOURCES, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

// A migrated PGlite database that new data folders are copied from: a first `wh serve` then skips initdb
// (seconds, and hundreds of megabytes it would keep). See src/db/pglite-folder.ts.
const { makePgliteTemplate } = await import(pathToFileURL(join(outDir, 'db', 'pglite-folder.js')).href);
await makePgliteTemplate(join(outDir, 'pglite-template'));

// Written last and dated when the build started: a source saved during the build makes it stale.
const stamp = join(outDir, BUILD_STAMP);
writeFileSync(stamp, `built from src/ at ${started.toISOString()}\n`);
utimesSync(stamp, started, started);

if (!flag('--server')) {
  const webArgs = [
    'build',
    '--config',
    'web/vite.config.ts',
    '--logLevel',
    flag('--prepare') ? 'warn' : 'info',
  ];
  if (outIndex >= 0) webArgs.push('--outDir', join(outDir, 'web'));
  run('vite build', vite, webArgs);
}
