/**
 * The queue's peers at their current versions: pg-boss 12 needs Node.js 22.12 and graphile-worker 0.18
 * needs 22.18, above Workhorse's own floor. So the queue benchmark installs them, beside a Node.js 22
 * binary from the npm registry (the `node-<platform>-<arch>` package that the `node` package itself
 * uses), in node_modules/.cache, and runs itself on that Node.js: every system, Workhorse's included,
 * then runs on the same runtime in one process. Installed once; a version change reinstalls.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PEER_NODE = '22.23.5';
export const PEER_VERSIONS = { 'pg-boss': '12.38.0', 'graphile-worker': '0.18.0', pg: '8.23.1' } as const;
const NEEDED_NODE = [22, 18];

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const FOLDER = join(ROOT, 'node_modules', '.cache', 'workhorse-bench-peers');
const nodePackage = `node-${process.platform}-${process.arch}`;
const wanted = { [nodePackage]: PEER_NODE, ...PEER_VERSIONS };

function runs(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} exited with ${code}`))));
  });
}

async function install(): Promise<void> {
  const manifest = join(FOLDER, 'package.json');
  const current = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).dependencies : null;
  if (JSON.stringify(current) === JSON.stringify(wanted) && existsSync(join(FOLDER, 'node_modules'))) return;
  console.log(
    `Installing the queue's peers (${Object.entries(wanted)
      .map((e) => e.join('@'))
      .join(', ')})`,
  );
  mkdirSync(FOLDER, { recursive: true });
  writeFileSync(manifest, JSON.stringify({ private: true, dependencies: wanted }, null, 2));
  // The peers declare Node.js 22 while npm itself may run on 20: their engine warnings say nothing here.
  await runs(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'],
    FOLDER,
  );
}

function satisfied(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > NEEDED_NODE[0]! || (major === NEEDED_NODE[0] && minor >= NEEDED_NODE[1]!);
}

/**
 * Installs the peers; then, on a Node.js they do not accept, runs `script` on the installed Node.js 22
 * and says so (true): the caller has nothing left to do. False: run here.
 */
export async function ranOnPeerRuntime(script: string): Promise<boolean> {
  await install();
  if (satisfied(process.versions.node)) return false;
  const node = join(FOLDER, 'node_modules', nodePackage, 'bin', 'node');
  console.log(`(the queue benchmark runs on Node.js ${PEER_NODE}, which its peers need)`);
  await runs(node, ['--import', 'tsx', script], ROOT).catch((error) => {
    console.error(`queue benchmark: ${error.message}`);
    process.exitCode = 1;
  });
  return true;
}

/** Imports a peer from the benchmark's own install. */
export async function importPeer<T>(name: keyof typeof PEER_VERSIONS): Promise<T> {
  const path = createRequire(join(FOLDER, 'package.json')).resolve(name);
  return (await import(pathToFileURL(path).href)) as T;
}
