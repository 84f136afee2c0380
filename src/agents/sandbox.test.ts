/**
 * The sandbox for real (bubblewrap, as agents get it; without bubblewrap these fail in CI, never skip
 * unnoticed): a hostile script tries to read the server's environment through /proc, to write through
 * /proc/<pid>/root, to remount / writable, to reach the data folder, another task's worktree, the user's
 * real home and the repository's git folder, and to rewrite its worktree's .git link. Each attempt is
 * asserted to fail, while the work it is there to do (its worktree, its toolchain, /tmp) still works.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBackend } from './backends/command.ts';
import type { Confinement } from './confinement.ts';
import { runAgent } from './runner.ts';
import {
  bubblewrapProblem,
  bubblewrapWorks,
  findBubblewrap,
  type SandboxPlan,
  wrapInSandbox,
} from './sandbox.ts';

const bwrap = findBubblewrap();
const usable = bwrap !== null && bubblewrapWorks(bwrap);
const root = mkdtempSync(join(tmpdir(), 'wh-sandbox-'));
const userHome = join(root, 'home');
const data = join(root, 'data');
const program = join(root, 'program');
const repo = join(root, 'repo');
const worktree = join(data, 'worktrees', 'run-1', 'task-1');
const otherWorktree = join(data, 'worktrees', 'run-1', 'task-2');
const CANARY = 'canary-value-6d1f0e9b';
/** A toolchain under the user's home comes first, as pyenv's or rustup's do. */
const PATH = `${join(userHome, '.tool', 'bin')}:/usr/local/bin:/usr/bin:/bin`;

function sh(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function confinement(overrides: Partial<Confinement> = {}): Confinement {
  return {
    bwrap,
    worktree,
    programDirs: [program],
    hidden: [data],
    gitDirs: [join(repo, '.git')],
    network: true,
    homePath: join(data, 'homes', 'job-1-agent'),
    userHome,
    pathVariable: PATH,
    ...overrides,
  };
}

/** Runs `body` as the agent, confined; returns what it wrote to report.txt in its worktree. */
async function agent(body: string, overrides: Partial<Confinement> = {}) {
  rmSync(join(worktree, 'report.txt'), { force: true });
  const script = sh(join(program, `agent-${Math.random().toString(36).slice(2)}.sh`), `${body}\ntrue`);
  const result = await runAgent({
    backend: commandBackend,
    binary: script,
    invocation: { prompt: '', cwd: worktree, model: null },
    timeoutSeconds: 20,
    hostEnv: { PATH, HOME: userHome, WH_CANARY_SECRET: CANARY },
    confinement: confinement(overrides),
  });
  const report = existsSync(join(worktree, 'report.txt'))
    ? readFileSync(join(worktree, 'report.txt'), 'utf8')
    : '';
  return { result, report: report.trim().split('\n') };
}

/** A process started with the canary in its environment, as `wh serve` is with its secrets. */
let serverLike: ChildProcess;

beforeAll(() => {
  process.env.WH_CANARY_SECRET = CANARY;
  serverLike = spawn('sleep', ['300'], {
    env: { ...process.env, WH_CANARY_SECRET: CANARY },
    stdio: 'ignore',
  });
  for (const dir of [
    program,
    worktree,
    otherWorktree,
    join(userHome, '.ssh'),
    join(userHome, '.tool', 'bin'),
  ])
    mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(data, 'admin-token'), 'wh_admin_token_in_the_data_folder\n');
  writeFileSync(join(otherWorktree, 'secret.txt'), 'another task\n');
  writeFileSync(join(userHome, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
  writeFileSync(join(userHome, '.gitconfig'), '[user]\n\tname = The User\n');
  sh(join(userHome, '.tool', 'bin', 'tool'), 'echo tool-ran');
  writeFileSync(join(worktree, '.git'), `gitdir: ${join(repo, '.git', 'worktrees', 'task-1')}\n`);
});

afterAll(() => {
  delete process.env.WH_CANARY_SECRET;
  serverLike?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('wrapInSandbox', () => {
  const plan: SandboxPlan = {
    bwrap: '/usr/bin/bwrap',
    worktree,
    writable: [join(root, 'deployed')],
    worktreeReadOnly: [join(worktree, '.git')],
    home: { source: join(data, 'homes', 'job-1'), target: userHome },
    readOnly: [program],
    hidden: [data],
    masked: ['/etc/shadow'],
    gitDirs: [join(repo, '.git')],
    network: false,
  };
  const [command, args] = wrapInSandbox(plan, 'agent', ['--flag']);

  it('gives the agent its own PID, IPC and UTS namespaces, a new session and no capabilities', () => {
    expect(command).toBe('/usr/bin/bwrap');
    for (const flag of [
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--new-session',
      '--die-with-parent',
    ])
      expect(args).toContain(flag);
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual([
      '--cap-drop',
      'ALL',
    ]);
    expect(args).toContain('--unshare-net');
    expect(wrapInSandbox({ ...plan, network: true }, 'agent', [])[1]).not.toContain('--unshare-net');
    expect(args.slice(-3)).toEqual(['--', 'agent', '--flag']);
  });

  it('mounts the home, then what is read-only in it, then hides, then shows git, a deploy folder and the worktree', () => {
    const mount = (flag: string, path: string) =>
      args.findIndex((arg, i) => arg === flag && args[i + 1] === path);
    const order = [
      mount('--proc', '/proc'),
      mount('--bind', plan.home.source),
      mount('--ro-bind', program),
      mount('--tmpfs', data),
      mount('--ro-bind', join(repo, '.git')),
      mount('--bind', join(root, 'deployed')),
      mount('--bind', worktree),
      mount('--ro-bind', join(worktree, '.git')),
    ];
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(args.join(' ')).toContain('--ro-bind /dev/null /etc/shadow');
  });
});

describe('bubblewrapProblem', () => {
  it("gives bubblewrap's own words when it cannot make a sandbox, and nothing when it can", () => {
    const broken = sh(
      join(program, 'broken-bwrap'),
      'echo "bwrap: No permissions to creating new namespace" >&2\nexit 1',
    );
    expect(bubblewrapProblem(broken)).toBe('bwrap: No permissions to creating new namespace');
    const silent = sh(join(program, 'silent-bwrap'), 'exit 3');
    expect(bubblewrapProblem(silent)).toBe('exit 3');
    if (usable) expect(bubblewrapProblem(bwrap!)).toBeNull();
  });

  it('finds bwrap on a PATH, or nothing', () => {
    expect(findBubblewrap('/nowhere:/neither')).toBeNull();
    if (bwrap) expect(findBubblewrap(`/nowhere:${join(bwrap, '..')}`)).toBe(bwrap);
  });
});

describe.skipIf(!usable)('an agent in the sandbox', () => {
  it('sees only its own processes: no server environment, no way into the host through /proc', async () => {
    const { result, report } = await agent(
      [
        `test -e /proc/${process.pid} && echo server-pid-visible >> report.txt`,
        `test -e /proc/${serverLike.pid}/environ && echo server-environ-visible >> report.txt`,
        `cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c '${CANARY}' >> report.txt`,
        `ls /proc/*/root/${data}/admin-token >> report.txt 2>/dev/null || echo no-data-through-proc >> report.txt`,
        `echo x > /proc/1/root/${program}/written 2>/dev/null || echo no-write-through-proc >> report.txt`,
        'env | grep -c WH_CANARY_SECRET >> report.txt',
      ].join('\n'),
    );
    expect(result.summary.ok).toBe(true);
    expect(report).toEqual(['0', 'no-data-through-proc', 'no-write-through-proc', '0']);
    expect(existsSync(join(program, 'written'))).toBe(false);
  });

  it('cannot make / writable, and the system, the program and the git folder are read-only', async () => {
    const { report } = await agent(
      [
        'mount -o remount,rw / 2>/dev/null && echo remounted >> report.txt',
        'touch /usr/wh-escape 2>/dev/null && echo usr-writable >> report.txt',
        `touch ${program}/wh-escape 2>/dev/null && echo program-writable >> report.txt`,
        `mkdir -p ${repo}/.git/hooks 2>/dev/null; echo hook > ${repo}/.git/hooks/post-commit 2>/dev/null && echo git-writable >> report.txt`,
        `echo '[core] fsmonitor = /tmp/x' >> ${repo}/.git/config 2>/dev/null && echo git-config-writable >> report.txt`,
        'echo done >> report.txt',
      ].join('\n'),
    );
    expect(report).toEqual(['done']);
    expect(existsSync('/usr/wh-escape')).toBe(false);
    expect(existsSync(join(program, 'wh-escape'))).toBe(false);
    expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).not.toContain('fsmonitor');
  });

  it('cannot rewrite or replace its worktree’s .git link', async () => {
    const link = readFileSync(join(worktree, '.git'), 'utf8');
    const { report } = await agent(
      [
        'echo "gitdir: /tmp/evil" > .git 2>/dev/null && echo link-rewritten >> report.txt',
        'mv .git .git-moved 2>/dev/null && echo link-moved >> report.txt',
        'rm -f .git 2>/dev/null; test -f .git && echo link-kept >> report.txt',
      ].join('\n'),
    );
    expect(report).toEqual(['link-kept']);
    expect(readFileSync(join(worktree, '.git'), 'utf8')).toBe(link);
  });

  it('sees neither the data folder, nor another task’s worktree, nor the user’s real home', async () => {
    const { report } = await agent(
      [
        `cat ${data}/admin-token >> report.txt 2>/dev/null || echo no-data-folder >> report.txt`,
        `cat ${otherWorktree}/secret.txt >> report.txt 2>/dev/null || echo no-other-worktree >> report.txt`,
        'cat ~/.ssh/id_ed25519 >> report.txt 2>/dev/null || echo no-ssh-key >> report.txt',
        'test -e ~/.gitconfig && echo user-gitconfig-visible >> report.txt',
        'test -s /etc/shadow && echo shadow-readable >> report.txt',
        'echo done >> report.txt',
      ].join('\n'),
    );
    expect(report).toEqual(['no-data-folder', 'no-other-worktree', 'no-ssh-key', 'done']);
  });

  it('writes a folder it is given (a deploy target) and, beside it, still nothing of the host', async () => {
    const target = join(tmpdir(), `wh-sandbox-deploy-${process.pid}`);
    mkdirSync(target, { recursive: true });
    try {
      const { report } = await agent(
        [
          `echo shipped > ${target}/app.txt && echo target-writable >> report.txt`,
          // Beside it is the sandbox's private /tmp: a write there never reaches the host.
          `touch ${join(target, '..')}/wh-beside-target 2>/dev/null`,
          `cat ${data}/admin-token >> report.txt 2>/dev/null || echo no-data-folder >> report.txt`,
        ].join('\n'),
        { writable: [target] },
      );
      expect(report).toEqual(['target-writable', 'no-data-folder']);
      expect(readFileSync(join(target, 'app.txt'), 'utf8')).toBe('shipped\n');
      expect(existsSync(join(tmpdir(), 'wh-beside-target'))).toBe(false);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('writes its home, /tmp and its worktree, none of which reach the user or the host', async () => {
    const probe = `wh-sandbox-tmp-${process.pid}`;
    const { result, report } = await agent(
      [
        'printf "[core]\\n\\tfsmonitor = /tmp/evil\\n" > ~/.gitconfig && echo home-writable >> report.txt',
        `echo x > /tmp/${probe} && echo tmp-writable >> report.txt`,
        'tool >> report.txt',
        `touch ${join(userHome, '.tool', 'bin', 'planted')} 2>/dev/null && echo toolchain-writable >> report.txt`,
        'echo "$HOME" >> report.txt',
      ].join('\n'),
    );
    expect(result.summary.ok).toBe(true);
    expect(report).toEqual(['home-writable', 'tmp-writable', 'tool-ran', userHome]);
    expect(readFileSync(join(userHome, '.gitconfig'), 'utf8')).toBe('[user]\n\tname = The User\n');
    expect(existsSync(join(tmpdir(), probe))).toBe(false);
    expect(existsSync(join(userHome, '.tool', 'bin', 'planted'))).toBe(false);
    // The private home is gone with the agent.
    expect(existsSync(join(data, 'homes', 'job-1-agent'))).toBe(false);
  });

  describe('the network', () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => socket.end('hello\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () =>
      `node -e "require('net').connect(${port}, '127.0.0.1').on('data', d => { process.stdout.write(d); process.exit(0) }).on('error', e => { console.log(e.code); process.exit(0) })" >> report.txt`;

    it('is on by default (agents reach their model API)', async () => {
      expect((await agent(connect())).report).toEqual(['hello']);
    });

    it('is off for a project or role that says network "none"', async () => {
      expect((await agent(connect(), { network: false })).report).toEqual(['ECONNREFUSED']);
    });
  });
});
