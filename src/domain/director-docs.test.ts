import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIRECTOR_RULE_NAMES, DIRECTOR_RULES, type DirectorRuleName } from './director.ts';

const documented = readFileSync(new URL('../../docs/director.md', import.meta.url), 'utf8');

/** A rule's section as docs/director.md writes it, from the catalogue. */
function section(rule: DirectorRuleName): string {
  const { watches, action, defaults } = DIRECTOR_RULES[rule];
  const thresholds = Object.entries(defaults).map(
    ([name, value]) => `\`${name}\` = \`${JSON.stringify(value)}\``,
  );
  return [
    `### \`${rule}\``,
    '',
    `- Watches: ${watches}`,
    `- Default thresholds: ${thresholds.length > 0 ? thresholds.join(', ') : 'none'}`,
    `- When it fires: ${action}`,
  ].join('\n');
}

describe('docs/director.md', () => {
  it('lists every rule of the catalogue, with what it watches, its default thresholds and what it does', () => {
    for (const rule of DIRECTOR_RULE_NAMES) expect(documented).toContain(section(rule));
  });

  it('lists only the rules of the catalogue, in its order', () => {
    const headings = [...documented.matchAll(/^### `([a-z-]+)`$/gm)].map((match) => match[1]);
    expect(headings).toEqual(DIRECTOR_RULE_NAMES);
  });
});
