/**
 * Whether `dist/` holds a build of the sources beside it. A published package ships `dist/` and no `src/`,
 * so its build is always the one to run. In a clone, `scripts/build.mjs` writes `dist/.built` last, dated
 * when that build started; a source file, or a folder (a file added or removed), changed after that date
 * means the build is stale. Test files are not compiled, so they do not count.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILD_STAMP = '.built';

/** `root`: the package folder (a path or a file: URL); `outDir`: its build, `dist` unless told. */
export function buildIsCurrent(root, outDir = join(toPath(root), 'dist')) {
  if (!existsSync(join(outDir, 'cli', 'main.js'))) return false;
  const sources = join(toPath(root), 'src');
  if (!existsSync(sources)) return true;
  let built;
  try {
    built = statSync(join(outDir, BUILD_STAMP)).mtimeMs;
  } catch {
    return false;
  }
  if (statSync(sources).mtimeMs > built) return false;
  for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.test\.[cm]?[jt]s$/.test(entry.name)) continue;
    if (!entry.isFile() && !entry.isDirectory()) continue;
    if (statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > built) return false;
  }
  return true;
}

function toPath(root) {
  return root instanceof URL || String(root).startsWith('file:') ? fileURLToPath(root) : String(root);
}
