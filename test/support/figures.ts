/**
 * Figures a test measures (chaos, fuzz) for people to read: printed as the test runs, and kept in
 * test-results/figures-<name>.txt, which the test command prints again at the end of its report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = new URL('../../test-results/', import.meta.url).pathname;

export function writeFigures(name: string, text: string): void {
  process.stdout.write(`${text}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `figures-${name}.txt`), `${text}\n`);
}
