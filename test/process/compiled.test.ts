/**
 * `wh` as a published package runs it: `npm run build`'s output in a package folder of its own
 * (package.json, bin/, dist/, no src/; node_modules linked), started by a plain `node` with no loader. It runs
 * compiled JavaScript only (no .ts module, never tsx); `wh --help` loads commander and none of the server
 * (Fastify, PGlite, Drizzle, zod, pino); `wh serve` finds its migrations and the dashboard beside the
 * compiled modules. And in a clone, bin/wh.js runs the build only while no source changed after it.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIsCurrent } from '../../bin/build-state.js';
import { killChildren, type Wh, wh, within } from '../support/wh-process.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const RECORDER = new URL('./module-recorder.mjs', import.meta.url).href;
const SERVER_PACKAGES = ['fastify', '@fastify/', '@electric-sql/pglite', 'drizzle-orm', 'zod', 'pino', 'pg'];

const work = realpathSync(mkdtempSync(join(tmpdir(), 'wh-compiled-')));
const pkg = join(work, 'package');
let runs = 0;

interface Run extends Wh {
  /** Every module URL the process loaded (read after it exited). */
  modules(): string[];
}

/** `node --import <recorder> <package>/bin/wh.js ...args`, in the package folder. */
function packagedWh(args: string[], env: Record<string, string> = {}): Run {
  const modulesFile = join(work, `modules-${++runs}`);
  writeFileSync(modulesFile, '');
  const run = wh(
    args,
    { WH_MODULES_FILE: modulesFile, ...env },
    { cwd: pkg, nodeArgs: ['--import', RECORDER] },
  );
  const modules = () => [...new Set(readFileSync(modulesFile, 'utf8').split('\n').filter(Boolean))];
  return { ...run, modules };
}

function loadedPackages(modules: string[]): string[] {
  return SERVER_PACKAGES.filter((name) =>
    modules.some((url) => url.includes(`/node_modules/${name}${name.endsWith('/') ? '' : '/'}`)),
  );
}

/** Everything the process loaded that is Workhorse's own must be the package's compiled JavaScript. */
function expectCompiledOnly(modules: string[]) {
  const own = modules.filter((url) => url.startsWith('file://') && !url.includes('/node_modules/'));
  const packageUrl = pathToFileURL(pkg).href;
  const recorder = new URL('./', RECORDER).href;
  expect(own.filter((url) => !url.startsWith(`${packageUrl}/`) && !url.startsWith(recorder))).toEqual([]);
  expect(own.filter((url) => url.startsWith(`${packageUrl}/`) && !url.endsWith('.js'))).toEqual([]);
  expect(modules.filter((url) => url.includes('/node_modules/tsx/'))).toEqual([]);
  expect(own).toContain(`${packageUrl}/dist/cli/main.js`);
}

beforeAll(async () => {
  // The package as `npm pack` makes it (package.json `files`), built by the same script `npm run build` is.
  mkdirSync(pkg);
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const build = spawn(process.execPath, ['scripts/build.mjs', '--out-dir', join(pkg, 'dist')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  build.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise((resolve) => build.once('close', resolve));
  expect(code, stderr).toBe(0);
}, 180_000);

afterEach(killChildren);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the compiled package', () => {
  it('answers wh --help and --version from compiled JavaScript, loading none of the server', async () => {
    const help = packagedWh(['--help']);
    expect((await within(help.exited, 15_000, 'wh --help')).code, help.stderr()).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: wh /);
    for (const command of ['serve', 'worker', 'migrate', 'token']) expect(help.stdout()).toContain(command);
    const modules = help.modules();
    expect(modules.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    expectCompiledOnly(modules);
    expect(loadedPackages(modules)).toEqual([]);

    const version = packagedWh(['--version']);
    expect((await within(version.exited, 15_000, 'wh --version')).code).toBe(0);
    const { version: expected } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(version.stdout().trim()).toBe(expected);
    expect(loadedPackages(version.modules())).toEqual([]);
  });

  it('serves /api/status, its migrations and the dashboard from the compiled location', async () => {
    const dataDir = join(work, 'data');
    const server = packagedWh(['serve'], { WH_DATA_DIR: dataDir, PORT: '0' });
    const port = await within(
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = /on http:\/\/localhost:(\d+)/.exec(server.stdout());
          if (match) resolve(match[1]!);
        };
        server.child.stdout?.on('data', check);
        server.exited.then((exit) => reject(new Error(`wh serve exited (${exit.code}): ${server.stderr()}`)));
      }),
      30_000,
      'wh serve',
    );
    const status = await fetch(`http://127.0.0.1:${port}/api/status`);
    expect(status.status).toBe(200);
    const body = (await status.json()) as {
      database: string;
      migrations: { applied: number; known: number };
    };
    const migrations = readdirSync(join(ROOT, 'src/db/migrations')).filter((name) => name.endsWith('.sql'));
    expect(body.database).toBe('pglite');
    expect(body.migrations).toMatchObject({ applied: migrations.length, known: migrations.length });
    const page = await fetch(`http://127.0.0.1:${port}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="root">');

    server.child.kill('SIGTERM');
    expect((await within(server.exited, 15_000, 'wh serve after SIGTERM')).code).toBe(0);
    const modules = server.modules();
    expectCompiledOnly(modules);
    expect(loadedPackages(modules)).toEqual(expect.arrayContaining(['fastify', '@electric-sql/pglite']));
  }, 60_000);
});

describe('bin/wh.js in a clone: the build while it is current, else the sources', () => {
  const clone = join(work, 'clone');
  const at = (path: string, seconds: number) => utimesSync(join(clone, path), seconds, seconds);

  beforeAll(() => {
    mkdirSync(join(clone, 'src/db'), { recursive: true });
    mkdirSync(join(clone, 'dist/cli'), { recursive: true });
    for (const file of [
      'src/main.ts',
      'src/main.test.ts',
      'src/db/0001.sql',
      'dist/cli/main.js',
      'dist/.built',
    ])
      writeFileSync(join(clone, file), '');
  });

  function dated(sources: number, stamp = 1_000) {
    for (const path of ['src/main.ts', 'src/main.test.ts', 'src/db/0001.sql', 'src/db', 'src'])
      at(path, sources);
    at('dist/.built', stamp);
  }

  it('is current when nothing in src/ changed after the build started', () => {
    dated(500);
    expect(buildIsCurrent(clone)).toBe(true);
  });

  it.each(['src/main.ts', 'src/db/0001.sql', 'src/db', 'src'])(
    'is stale when %s changed after it (an edit; a file added or removed)',
    (path) => {
      dated(500);
      at(path, 2_000);
      expect(buildIsCurrent(clone)).toBe(false);
    },
  );

  it('ignores test files, which are not compiled', () => {
    dated(500);
    at('src/main.test.ts', 2_000);
    expect(buildIsCurrent(clone)).toBe(true);
  });

  it('is stale without its stamp, absent without dist/cli/main.js, current in a package with no src/', () => {
    dated(500);
    rmSync(join(clone, 'dist/.built'));
    expect(buildIsCurrent(clone)).toBe(false);
    const packaged = join(work, 'packaged');
    mkdirSync(join(packaged, 'dist/cli'), { recursive: true });
    expect(buildIsCurrent(packaged)).toBe(false);
    writeFileSync(join(packaged, 'dist/cli/main.js'), '');
    expect(buildIsCurrent(packaged)).toBe(true);
    expect(existsSync(join(packaged, 'dist/.built'))).toBe(false);
  });
});
