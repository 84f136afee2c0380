/**
 * The agent's private home on a real file system: which toolchains it keeps reachable, what it copies and
 * what it only shows, and, where nothing can be bound (no bubblewrap, accepted by a person), the links that
 * stand in for the binds. Whatever the agent writes there never reaches the user's real home.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAgentHome, toolchainDirs } from './agent-home.ts';
import { commandBackend } from './backends/command.ts';
import type { Confinement } from './confinement.ts';
import { AgentSetupError, runAgent } from './runner.ts';
import type { AgentBackend } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-agent-home-'));
const userHome = join(root, 'home');
const NEEDS = {
  credentials: ['.tool/login.json', '.tool/absent.json'],
  settings: ['.tool/settings.json', '.tool/absent-settings.json'],
};

beforeAll(() => {
  for (const dir of ['.pyenv/shims', '.cargo/bin', '.rustup', '.local/bin', '.local/share/secret', '.tool'])
    mkdirSync(join(userHome, dir), { recursive: true });
  writeFileSync(join(userHome, '.tool', 'login.json'), '{"token":"user-login"}\n');
  writeFileSync(join(userHome, '.tool', 'settings.json'), '{"theme":"user"}\n');
  writeFileSync(join(userHome, '.gitconfig'), '[user]\n\tname = The User\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('toolchainDirs', () => {
  it('brings each PATH entry under HOME by its first folder, and the known toolchains that exist', () => {
    const path = [join(userHome, '.pyenv', 'shims'), join(userHome, '.local', 'bin'), '/usr/bin'].join(':');
    expect(toolchainDirs(userHome, path)).toEqual(
      [
        join(userHome, '.cargo'),
        join(userHome, '.local', 'bin'),
        join(userHome, '.pyenv'),
        join(userHome, '.rustup'),
      ].sort(),
    );
  });

  it('never brings all of ~/.local or ~/.config (credentials live there), nor HOME itself', () => {
    const dirs = toolchainDirs(userHome, [userHome, join(userHome, '.local', 'share', 'secret')].join(':'));
    expect(dirs).not.toContain(userHome);
    expect(dirs).not.toContain(join(userHome, '.local'));
    expect(dirs).toContain(join(userHome, '.local', 'share', 'secret'));
  });
});

describe('prepareAgentHome', () => {
  it('copies settings, writes the adapter’s files over them, and links credentials when unconfined', () => {
    const path = join(root, 'private-1');
    const home = prepareAgentHome({
      path,
      userHome,
      needs: NEEDS,
      files: { '.tool/extra.toml': 'written = true\n' },
      linkFromUserHome: true,
      pathVariable: join(userHome, '.pyenv', 'shims'),
    });
    expect(readFileSync(join(path, '.tool', 'settings.json'), 'utf8')).toBe('{"theme":"user"}\n');
    expect(readFileSync(join(path, '.tool', 'extra.toml'), 'utf8')).toBe('written = true\n');
    // What the adapter writes may hold an endpoint's settings: its owner's alone. Absent settings are no copy.
    expect(statSync(join(path, '.tool', 'extra.toml')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(path, '.tool', 'absent-settings.json'))).toBe(false);
    expect(lstatSync(join(path, '.tool', 'login.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(path, '.pyenv'))).toBe(join(userHome, '.pyenv'));
    expect(existsSync(join(path, '.gitconfig'))).toBe(false);
    expect(home.hasFile('.tool/login.json')).toBe(true);
    expect(home.hasFile('.tool/absent.json')).toBe(false);
    expect(home.readFile('.tool/settings.json')).toBe('{"theme":"user"}\n');
    // The CLI rewriting its copied settings leaves the user's alone.
    writeFileSync(join(path, '.tool', 'settings.json'), '{"theme":"agent"}\n');
    expect(readFileSync(join(userHome, '.tool', 'settings.json'), 'utf8')).toBe('{"theme":"user"}\n');
    home.remove();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(userHome, '.tool', 'login.json'))).toBe(true);
    // Removing what is gone is no error: a cleanup may run twice.
    home.remove();
  });

  it('lets an adapter’s own settings file win over the user’s copy', () => {
    const home = prepareAgentHome({
      path: join(root, 'private-2'),
      userHome,
      needs: NEEDS,
      files: { '.tool/settings.json': '{"theme":"workhorse"}\n' },
      linkFromUserHome: false,
      pathVariable: '',
    });
    expect(home.readFile('.tool/settings.json')).toBe('{"theme":"workhorse"}\n');
    // In a sandbox credentials are bound, not linked: the folder holds none of them.
    expect(existsSync(join(home.path, '.tool', 'login.json'))).toBe(false);
    expect(home.hasFile('.tool/login.json')).toBe(true);
    home.remove();
  });

  it('starts empty every time: nothing an earlier agent left in it survives', () => {
    const path = join(root, 'private-3');
    const input = { path, userHome, needs: NEEDS, files: {}, linkFromUserHome: false, pathVariable: '' };
    prepareAgentHome(input);
    writeFileSync(join(path, '.bashrc'), 'planted\n');
    prepareAgentHome(input).remove();
    expect(existsSync(join(path, '.bashrc'))).toBe(false);
  });
});

/** No bubblewrap: only the private home stands between the agent and the user's. */
function unconfined(worktree: string, homePath: string): Confinement {
  return {
    bwrap: null,
    worktree,
    programDirs: [],
    hidden: [],
    gitDirs: [],
    network: true,
    homePath,
    userHome,
    pathVariable: process.env.PATH ?? '',
  };
}

describe('an unconfined agent (no bubblewrap, accepted by a person)', () => {
  it('gets the private home as HOME, the user’s login through a link, and writes nothing of the user’s', async () => {
    const worktree = join(root, 'worktree');
    mkdirSync(worktree, { recursive: true });
    const agent = join(root, 'agent.sh');
    writeFileSync(
      agent,
      [
        '#!/bin/sh',
        'echo "$HOME" > seen.txt',
        'cat ~/.tool/login.json >> seen.txt',
        'printf "[core]\\n\\tfsmonitor = /tmp/evil\\n" > ~/.gitconfig',
        'echo planted > ~/.tool/settings.json',
      ].join('\n'),
    );
    chmodSync(agent, 0o755);
    const backend: AgentBackend = { ...commandBackend, home: NEEDS };
    const homePath = join(root, 'data', 'homes', 'job-7-agent');
    const result = await runAgent({
      backend,
      binary: agent,
      invocation: { prompt: '', cwd: worktree, model: null },
      timeoutSeconds: 10,
      hostEnv: { PATH: process.env.PATH, HOME: userHome },
      confinement: unconfined(worktree, homePath),
    });
    expect(result.summary.ok).toBe(true);
    expect(readFileSync(join(worktree, 'seen.txt'), 'utf8')).toBe(`${homePath}\n{"token":"user-login"}\n`);
    expect(readFileSync(join(userHome, '.gitconfig'), 'utf8')).toBe('[user]\n\tname = The User\n');
    expect(readFileSync(join(userHome, '.tool', 'settings.json'), 'utf8')).toBe('{"theme":"user"}\n');
    expect(existsSync(homePath)).toBe(false);
  });

  it('is refused before it starts when its CLI has no credentials, and its home is removed', async () => {
    const marker = join(root, 'started');
    const agent = join(root, 'never.sh');
    writeFileSync(agent, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(agent, 0o755);
    const backend: AgentBackend = { ...commandBackend, credentialProblem: () => 'tool: no key' };
    const homePath = join(root, 'data', 'homes', 'job-8-agent');
    const run = runAgent({
      backend,
      binary: agent,
      invocation: { prompt: '', cwd: root, model: null },
      timeoutSeconds: 10,
      hostEnv: { PATH: process.env.PATH, HOME: userHome },
      confinement: unconfined(root, homePath),
    });
    await expect(run).rejects.toThrow(new AgentSetupError('tool: no key'));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(homePath)).toBe(false);
  });
});
