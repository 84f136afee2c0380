/**
 * Whether a project's repository can be worked in, asked when the project is made or its repository or
 * default branch changes, so a wrong path is refused at once instead of failing the first job. A URL is
 * not reached for here (it may need credentials only the worker has): its clone is checked when it is made.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { git, gitOk } from './git.ts';
import { isLocalPath } from './repository.ts';

export interface RepositoryProblem {
  /** Which setting to correct. */
  field: 'repository' | 'default_branch';
  message: string;
}

/** What is wrong with the repository or its default branch; null when a job can work in it. */
export async function repositoryProblem(
  repository: string,
  defaultBranch: string,
): Promise<RepositoryProblem | null> {
  if (!isLocalPath(repository)) return null;
  const wrong = (message: string): RepositoryProblem => ({ field: 'repository', message });
  if (!isAbsolute(repository)) return wrong(`${repository} is not an absolute path (nor a git URL)`);
  if (!existsSync(repository)) return wrong(`${repository} does not exist on this machine`);
  if (!statSync(repository).isDirectory()) return wrong(`${repository} is not a folder`);
  const inside = await git(repository, ['rev-parse', '--is-inside-work-tree']).catch(() => 'false');
  if (inside !== 'true')
    return wrong(`${repository} is not a git work tree (git init it, or give its clone)`);
  const branch = `refs/heads/${defaultBranch}`;
  const badBranch = (message: string): RepositoryProblem => ({ field: 'default_branch', message });
  if (!(await gitOk(repository, ['check-ref-format', branch])))
    return badBranch(`${defaultBranch} is not a valid branch name`);
  if (!(await gitOk(repository, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`])))
    return badBranch(`${repository} has no branch ${defaultBranch} (with a commit on it)`);
  return null;
}
