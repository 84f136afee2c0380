/**
 * The bubblewrap sandbox, for real where it works here: the data folder stays hidden even inside the
 * agent's home, the repository's .git is read-only, the worktree is writable.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandBackend } from './backends/command.ts';
import { runAgent } from './runner.ts';
import { bubblewrapWorks, findBubblewrap, wrapInSandbox } from './sandbox.ts';

const bwrap = findBubblewrap();
const usable = bwrap !== null && bubblewrapWorks(bwrap);
const root = mkdtempSync(join(tmpdir(), 'wh-sandbox-'));
const home = join(root, 'home');
const data = join(home, '.workhorse');
const gitDir = join(root, 'repo', '.git');
const worktree = join(data, 'worktrees', 'run-1', 'task-1');
// The program folder holds everything, as Workhorse's own folder holds a default ./.workhorse data folder.
const plan = {
  bwrap: bwrap ?? 'bwrap',
  worktree,
  home,
  programDirs: [root],
  hiddenDirs: [data],
  readOnlyDirs: [gitDir],
};

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('wrapInSandbox', () => {
  it('binds the home before hiding the data folder, and the worktree last', () => {
    const [command, args] = wrapInSandbox(plan, 'agent', ['--flag']);
    expect(command).toBe(plan.bwrap);
    const at = (value: string) => args.indexOf(value);
    expect(at(home)).toBeLessThan(at(data));
    expect(args.indexOf(root)).toBeLessThan(at(home));
    expect(at(data)).toBeLessThan(at(gitDir));
    expect(args.lastIndexOf(worktree)).toBeGreaterThan(at(gitDir));
    expect(args.slice(-3)).toEqual(['--', 'agent', '--flag']);
  });

  it.skipIf(!usable)('hides the data folder inside the home and keeps .git read-only', async () => {
    for (const dir of [worktree, gitDir]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(data, 'tokens.txt'), 'secret-token\n');
    const tool = join(root, 'tool.sh');
    writeFileSync(tool, '#!/bin/sh\necho tool-ran\n');
    chmodSync(tool, 0o755);
    const agent = join(worktree, 'agent.sh');
    writeFileSync(
      agent,
      [
        '#!/bin/sh',
        `cat "${join(data, 'tokens.txt')}" > seen.txt 2>&1 || echo hidden > seen.txt`,
        `touch "${join(gitDir, 'x')}" 2>/dev/null && echo writable >> seen.txt || echo git-read-only >> seen.txt`,
        `touch "${join(home, 'note')}" && echo home-writable >> seen.txt`,
        `"${tool}" >> seen.txt`,
      ].join('\n'),
    );
    chmodSync(agent, 0o755);
    const result = await runAgent({
      backend: commandBackend,
      binary: agent,
      invocation: { prompt: '', cwd: worktree, model: null },
      timeoutSeconds: 20,
      sandbox: plan,
    });
    expect(result.summary.ok).toBe(true);
    expect(readFileSync(join(worktree, 'seen.txt'), 'utf8')).toBe(
      'hidden\ngit-read-only\nhome-writable\ntool-ran\n',
    );
  });
});
