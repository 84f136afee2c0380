/** Git in a test's own repository, which the test trusts: commit everything in its main working tree. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitAll, mainCheckout, openRepository } from '../../src/worker/git.ts';

export async function commitRepo(repo: string, message: string): Promise<string | null> {
  return commitAll(mainCheckout(await openRepository(repo)), message);
}

let scratch: string | undefined;

/**
 * A git work tree with one empty commit on main, made once per test process: what a project needs to be
 * accepted by the API when the test never runs a job in it.
 */
export function scratchRepository(): string {
  if (scratch) return scratch;
  const repo = join(mkdtempSync(join(tmpdir(), 'wh-scratch-')), 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', [
    '-C',
    repo,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'initial',
  ]);
  process.once('exit', () => rmSync(join(repo, '..'), { recursive: true, force: true }));
  scratch = repo;
  return repo;
}
