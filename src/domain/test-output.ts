/**
 * Reading a test command's output for the one thing an exit code hides: that it ran no test at all. Each
 * runner's own words, matched conservatively: a line that could also mean something else is not counted.
 */
const NO_TESTS: readonly RegExp[] = [
  /^# tests 0$/m, // node --test (TAP)
  /^ℹ tests 0$/m, // node --test (spec reporter)
  /\bNo tests found\b/, // jest
  /^\s*Tests:\s+0 total$/m, // jest summary
  /\bNo test files found\b/, // vitest
  /\bno tests ran\b/, // pytest
  /\bcollected 0 items\b/, // pytest
  /^Ran 0 tests in /m, // unittest
  /^\s*0 passing\b/m, // mocha
];

/** The line that says the command ran no test, or null when it ran some (or says nothing either way). */
export function noTestsEvidence(output: string): string | null {
  for (const pattern of NO_TESTS) {
    const match = pattern.exec(output);
    if (match) return match[0].trim();
  }
  return null;
}
