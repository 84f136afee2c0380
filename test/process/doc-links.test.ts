/**
 * The README and docs/ are what a user has: every relative link in them must lead to a file of the
 * repository (a user never has the team's own notes).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const documents = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => join('docs', name))].filter(
  (path) => path.endsWith('.md'),
);

/** Targets of `[text](target)` links that are not web addresses or in-page anchors (code spans are not links). */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/`[^`\n]*`/g, '');
  const targets = [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
  return targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

describe('links in the README and docs/', () => {
  it.each(documents)('%s links only to files in the repository', (document) => {
    const markdown = readFileSync(join(root, document), 'utf8');
    const broken = relativeLinks(markdown)
      .map((target) => resolve(root, dirname(document), decodeURI(target.split('#')[0]!)))
      .filter((path) => !path.startsWith(`${root}/`) || !existsSync(path))
      .map((path) => relative(root, path));
    expect(broken).toEqual([]);
  });

  it('finds the links there are', () => {
    expect(relativeLinks('see [a](docs/a.md), [b](https://x.org/b), [c](#c) and [d](../d.md#top)')).toEqual([
      'docs/a.md',
      '../d.md#top',
    ]);
  });
});
