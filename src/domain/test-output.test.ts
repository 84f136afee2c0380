import { describe, expect, it } from 'vitest';
import { noTestsEvidence } from './test-output.ts';

describe('noTestsEvidence', () => {
  it("names each runner's own words for running nothing", () => {
    expect(noTestsEvidence('TAP version 13\n# tests 0\n# pass 0\n')).toBe('# tests 0');
    expect(noTestsEvidence('ℹ tests 0\nℹ suites 0\n')).toBe('ℹ tests 0');
    expect(noTestsEvidence('No tests found, exiting with code 0\n')).toBe('No tests found');
    expect(noTestsEvidence('Test Suites: 0 total\nTests:       0 total\n')).toBe('Tests:       0 total');
    expect(noTestsEvidence('No test files found, exiting with code 0')).toBe('No test files found');
    expect(noTestsEvidence('collected 0 items\n\n===== no tests ran in 0.01s =====')).toBe('no tests ran');
    expect(noTestsEvidence('\nRan 0 tests in 0.000s\n\nOK\n')).toBe('Ran 0 tests in');
    expect(noTestsEvidence('\n  0 passing (2ms)\n')).toBe('0 passing');
  });

  it('says nothing of a command that ran tests', () => {
    expect(noTestsEvidence('# tests 10\n# pass 10\n')).toBeNull();
    expect(noTestsEvidence('ℹ tests 3\nℹ pass 3\n')).toBeNull();
    expect(noTestsEvidence('Tests:       20 total\n')).toBeNull();
    expect(noTestsEvidence('collected 12 items\n12 passed in 0.3s')).toBeNull();
    expect(noTestsEvidence('  10 passing (20ms)\n')).toBeNull();
    expect(noTestsEvidence('Ran 10 tests in 0.1s')).toBeNull();
    expect(noTestsEvidence('')).toBeNull();
  });
});
