/**
 * Where a project's repository is on this machine: its local path, or a clone of its URL in the workspace
 * (made once, fetched before each use).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, openRepository, type Repository } from './git.ts';

/** A path on this machine, not a URL or an scp-like `user@host:path`. */
export function isLocalPath(repository: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(repository) && !/^[^/]+@[^:]+:/.test(repository);
}

/** Where the project's repository is, or would be cloned, on this machine. */
export function repositoryPath(projectId: number, repository: string, workspace: string): string {
  return isLocalPath(repository) ? repository : join(workspace, 'repos', `project-${projectId}`);
}

export async function localRepository(
  projectId: number,
  repository: string,
  workspace: string,
): Promise<Repository> {
  if (isLocalPath(repository)) {
    if (!existsSync(repository))
      throw new Error(`the project's repository ${repository} does not exist on this machine`);
    return openRepository(repository);
  }
  const clone = repositoryPath(projectId, repository, workspace);
  if (!existsSync(clone)) {
    mkdirSync(join(workspace, 'repos'), { recursive: true });
    await git(workspace, ['clone', '--quiet', repository, clone], { userConfig: true });
  } else {
    await git(clone, ['fetch', '--quiet', 'origin'], { userConfig: true });
  }
  return openRepository(clone);
}
