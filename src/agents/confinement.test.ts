/**
 * What a confined process is given, planned without starting it: the home shown where HOME points (a
 * fallback inside the private /tmp when the user has no usable home, root's "/" included), host service
 * sockets hidden, the worktree's .git link read-only; and, unconfined, the private home as HOME.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Confinement, confine, sandboxPlanFor } from './confinement.ts';
import { HOST_MASKED_FILES, HOST_SOCKET_DIRS } from './sandbox.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-confinement-'));
const worktree = join(root, 'worktree');
mkdirSync(worktree);
writeFileSync(join(worktree, '.git'), 'gitdir: /somewhere\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function confinement(overrides: Partial<Confinement> = {}): Confinement & { bwrap: string } {
  return {
    bwrap: '/usr/bin/bwrap',
    worktree,
    programDirs: ['/opt/workhorse'],
    hidden: [join(root, 'data')],
    gitDirs: [join(root, 'repo', '.git')],
    network: false,
    homePath: join(root, 'data', 'homes', 'job-1-agent'),
    userHome: root,
    pathVariable: '/usr/bin',
    ...overrides,
  } as Confinement & { bwrap: string };
}

describe('sandboxPlanFor', () => {
  it('shows the private home at the user HOME, hides host sockets and the data folder, keeps .git read-only', () => {
    const plan = sandboxPlanFor(confinement(), '/private/home', ['/creds']);
    expect(plan.home).toEqual({ source: '/private/home', target: root });
    expect(plan.hidden).toEqual([...HOST_SOCKET_DIRS.filter((dir) => existsSync(dir)), join(root, 'data')]);
    expect(plan.masked).toEqual(HOST_MASKED_FILES.filter((file) => existsSync(file)));
    expect(plan.readOnly).toEqual(['/creds', '/opt/workhorse']);
    expect(plan.worktreeReadOnly).toEqual([join(worktree, '.git')]);
    expect(plan).toMatchObject({ network: false, gitDirs: [join(root, 'repo', '.git')] });
  });

  it.each([null, '/', join(root, 'no-such-home')])(
    'falls back to a home inside /tmp when HOME is %s',
    (home) => {
      expect(sandboxPlanFor(confinement({ userHome: home }), '/private', []).home.target).toBe('/tmp/home');
    },
  );

  it('has no read-only .git link to show when the worktree has none', () => {
    const bare = join(root, 'bare');
    mkdirSync(bare);
    expect(sandboxPlanFor(confinement({ worktree: bare }), '/private', []).worktreeReadOnly).toEqual([]);
  });
});

describe('confine without bubblewrap', () => {
  it('runs the command as it is, with the private home as HOME and /tmp for temporary files', () => {
    const args = ['--flag'];
    const launch = confine(
      confinement({ bwrap: null, homePath: join(root, 'unconfined-home') }),
      { credentials: [], settings: [] },
      { '.tool/config': 'x' },
      'agent',
      args,
    );
    try {
      expect(launch.command).toBe('agent');
      expect(launch.args).toEqual(['--flag']);
      expect(launch.args).not.toBe(args);
      expect(launch.env).toEqual({ HOME: join(root, 'unconfined-home'), TMPDIR: '/tmp' });
      expect(launch.readHomeFile('.tool/config')).toBe('x');
    } finally {
      launch.cleanup();
    }
    expect(existsSync(join(root, 'unconfined-home'))).toBe(false);
  });
});
