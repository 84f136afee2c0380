/**
 * The files a task expects to touch (from the PM's plan, then from its actual diff), compared: two tasks
 * whose files overlap would conflict if both were worked on at once. An entry ending in `/` is a folder and
 * covers every path under it.
 */
function normalize(path: string): string {
  return path
    .trim()
    .replace(/^\.\//, '')
    .replace(/\/{2,}/g, '/');
}

function covers(entry: string, path: string): boolean {
  return entry === path || (entry.endsWith('/') && path.startsWith(entry));
}

/** The entries of `a` that overlap some entry of `b`, in `a`'s order; [] when the tasks are independent. */
export function overlappingFiles(a: readonly string[], b: readonly string[]): string[] {
  const theirs = b.map(normalize).filter(Boolean);
  return a
    .map(normalize)
    .filter(Boolean)
    .filter((mine) => theirs.some((other) => covers(mine, other) || covers(other, mine)));
}
