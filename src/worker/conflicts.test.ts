/**
 * What counts as a conflict left in a file: git's three markers in order, each at the start of its line. A
 * Markdown or reStructuredText heading underlined with `=======` is not one, nor a marker out of place.
 * (The markers are built here, not written out, so that this file never holds one at the start of a line.)
 */
import { describe, expect, it } from 'vitest';
import { hasConflictMarkers } from './conflicts.ts';

const OURS = `${'<'.repeat(7)} HEAD`;
const SEPARATOR = '='.repeat(7);
const THEIRS = `${'>'.repeat(7)} wh/run-1`;
const lines = (...items: string[]) => `${items.join('\n')}\n`;

describe('hasConflictMarkers', () => {
  it('finds a conflict as git writes it, also with the base section of diff3 and with CRLF line ends', () => {
    expect(hasConflictMarkers(lines('a', OURS, 'mine', SEPARATOR, 'theirs', THEIRS, 'b'))).toBe(true);
    expect(hasConflictMarkers(lines(OURS, SEPARATOR, THEIRS))).toBe(true);
    expect(
      hasConflictMarkers(lines(OURS, 'mine', `${'|'.repeat(7)} base`, 'old', SEPARATOR, 'theirs', THEIRS)),
    ).toBe(true);
    expect(hasConflictMarkers(`${OURS}\r\nmine\r\n${SEPARATOR}\r\ntheirs\r\n${THEIRS}\r\n`)).toBe(true);
    expect(hasConflictMarkers(lines(OURS, 'mine', SEPARATOR, 'theirs', '>'.repeat(7)))).toBe(true);
  });

  it('does not take a heading underline, or markers that are not a whole conflict, for one', () => {
    expect(hasConflictMarkers(lines('Title', SEPARATOR, '', 'Text.', '', 'Section', '-------'))).toBe(false);
    expect(hasConflictMarkers(lines('Title', SEPARATOR, 'text', THEIRS))).toBe(false);
    expect(hasConflictMarkers(lines(OURS, 'mine', 'theirs', THEIRS))).toBe(false);
    expect(hasConflictMarkers(lines(OURS, 'mine', `${SEPARATOR}=`, 'theirs', THEIRS))).toBe(false);
    expect(hasConflictMarkers(lines(`  ${OURS}`, SEPARATOR, `  ${THEIRS}`))).toBe(false);
    expect(hasConflictMarkers(lines(`${'<'.repeat(8)} x`, SEPARATOR, THEIRS))).toBe(false);
    expect(hasConflictMarkers(lines(THEIRS, SEPARATOR, OURS))).toBe(false);
  });
});
