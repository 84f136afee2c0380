/** Finding programs the way a shell does, so a missing CLI is named before anything is started. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The program `name` as a shell would run it: a path as given, a bare name looked up on `path`. */
export function findExecutable(name: string, path: string): string | null {
  if (!name) return null;
  if (name.includes('/')) return isExecutableFile(name) ? name : null;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
