/**
 * Runs a real agent CLI for a test: in a fresh temporary git repository, with HOME (and the XDG dirs)
 * isolated in a temporary folder, an environment built from scratch (nothing of the host's keys leaks
 * in), a wall-clock timeout, and the whole process group killed at the end whatever happened.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The installed CLI from the project's devDependencies (node_modules/.bin). */
export function cliBin(name: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.bin', name);
}

export interface Workspace {
  /** A git repository with one commit; the CLI's cwd. */
  repo: string;
  /** The isolated HOME. */
  home: string;
  /** A minimal environment: PATH, HOME, TMPDIR, XDG dirs, locale. Add keys per CLI. */
  env: Record<string, string>;
  cleanup(): void;
}

export function makeWorkspace(): Workspace {
  const root = mkdtempSync(path.join(tmpdir(), 'wh-cli-'));
  const repo = path.join(root, 'repo');
  const home = path.join(root, 'home');
  // TMPDIR must not contain HOME: codex refuses to create its sandbox helper aliases under the temp dir,
  // and with bubblewrap installed its workspace-write sandbox then cannot write at all.
  const tmp = path.join(root, 'tmp');
  for (const dir of [
    repo,
    home,
    tmp,
    path.join(home, '.config'),
    path.join(home, '.cache'),
    path.join(home, '.local', 'share'),
  ])
    mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    USER: 'tester',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    GIT_AUTHOR_NAME: 'Tester',
    GIT_AUTHOR_EMAIL: 'tester@example.invalid',
    GIT_COMMITTER_NAME: 'Tester',
    GIT_COMMITTER_EMAIL: 'tester@example.invalid',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'init');
  return { repo, home, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliRun {
  /** Null when the process was killed (timeout). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Every stdout line that parses as a JSON object, in order. */
  events: Record<string, unknown>[];
  durationMs: number;
}

export interface CliOptions {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Written to stdin, then stdin is closed (closed at once when absent). */
  stdin?: string;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        events.push(value as Record<string, unknown>);
    } catch {
      // Not a JSON line.
    }
  }
  return events;
}

export function runCli(options: CliOptions): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(options.bin, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {});
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000).unref();
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      // Whatever the CLI left behind in its group (servers, shells) goes too.
      killGroup(child.pid, 'SIGKILL');
      // Let buffered output drain, but do not wait on a pipe a stray grandchild still holds.
      const finish = () =>
        resolve({
          exitCode,
          signal,
          timedOut,
          stdout,
          stderr,
          events: jsonLines(stdout),
          durationMs: Date.now() - started,
        });
      const drain = setTimeout(finish, 500);
      child.stdout.on('close', () => {
        clearTimeout(drain);
        finish();
      });
      if (child.stdout.closed) {
        clearTimeout(drain);
        finish();
      }
    });
  });
}
