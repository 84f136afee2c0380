/**
 * The browser suite's harness: a real `wh serve` on a free port with its own data folder, the system
 * Chromium driven by playwright-core (never a downloaded browser), screenshots, and API calls with the
 * admin token printed in the login URL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the suite cannot run here, or null. With CI=true a missing browser is a failure, not a skip. */
export function missingBrowser(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} is missing: the dashboard's browser tests need the system Chromium`;
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: failing instead of skipping)`);
  return reason;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard when dist/web is missing (or older than web/src). */
export function ensureBuilt(): void {
  const index = join(ROOT, 'dist', 'web', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'web', 'src'))) return;
  const result = spawnSync('npm', ['run', 'build', '--', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Server {
  base: string;
  loginUrl: string;
  token: string;
  /** What `wh serve` printed so far. */
  output(): string;
  stop(): Promise<void>;
  /** A JSON API call with the admin token (or another bearer token). */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: T }>;
}

const STRIPPED = ['DATABASE_URL', 'WH_DATA_DIR', 'PORT', 'HOST', 'AUTO_TRIGGER_AGENTS', 'LOG_LEVEL'];

/** `wh serve` with its own data folder; `env` adds to (or overrides) this process's environment. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wh-browser-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !STRIPPED.includes(key)),
  );
  const child: ChildProcess = spawn(process.execPath, ['bin/wh.js', 'serve'], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', WH_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Should the test process die first, take the server down with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  };

  // Generous: opening PGlite and migrating takes a minute on a machine other test suites keep busy.
  const deadline = Date.now() + 120_000;
  let base: string | undefined;
  let loginUrl: string | undefined;
  while (Date.now() < deadline) {
    base = /Workhorse \S+ on (http:\/\/localhost:\d+)/.exec(out)?.[1];
    loginUrl = /Log in: (\S+)/.exec(out)?.[1];
    if (base && loginUrl) break;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!base || !loginUrl) {
    await stop();
    throw new Error(`wh serve did not start.\nstdout: ${out}\nstderr: ${err}`);
  }
  const token = new URL(loginUrl).searchParams.get('token')!;
  const origin = base;
  return {
    base,
    loginUrl,
    token,
    output: () => out,
    stop,
    async api<T>(method: string, path: string, body?: unknown, bearer = token) {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh context (its own cookies) at 1280 px; console errors are collected for the test to check. */
export async function newContext(browser: Browser): Promise<{ context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  context.on('weberror', (error) => errors.push(String(error.error())));
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, errors };
}

/** Saves a full-page screenshot as test-results/screenshots/<test>-<name>.png. */
export async function shot(page: Page, test: string, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Let fonts and the last render settle so the picture shows what a person would see.
  await page.evaluate(() =>
    (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready.then(
      () => true,
    ),
  );
  await page.screenshot({ path: join(SHOTS, `${test}-${name}.png`), fullPage: true });
}

/** What page.evaluate callbacks read in the browser (the Node typecheck has no DOM types). */
export interface InPage {
  __marker?: string;
  document: {
    activeElement: { textContent: string | null } | null;
    documentElement: { scrollWidth: number };
  };
}

/** Starts `wh serve` and Chromium together; if either fails, the other is stopped and the error thrown. */
export async function startServerAndBrowser(
  env: Record<string, string> = {},
): Promise<{ server: Server; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startServer(env), launchBrowser()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled') {
    return { server: started.value, browser: launched.value };
  }
  if (started.status === 'fulfilled') await started.value.stop();
  if (launched.status === 'fulfilled') await launched.value.close();
  throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
}
