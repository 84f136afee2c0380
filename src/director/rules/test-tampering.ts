/**
 * test-tampering: a DEV change that deletes a test file, adds a skip or only marker to a test, or removes
 * more assertions from the tests than it adds. What counts as a test is the tdd rule's `testPattern`.
 */
import { DIRECTOR_RULES } from '../../domain/director.ts';
import type { FileChange } from '../changes.ts';
import type { DirectorRule } from '../rule.ts';
import { changesToReview, sendBack } from './dev-changes.ts';

const SKIP_MARKER =
  /\b(?:it|test|describe|context|suite)\.(?:skip|only|todo)\s*\(|\bx(?:it|describe|test)\s*\(|@pytest\.mark\.(?:skip|xfail)|@unittest\.skip|\bt\.Skip(?:Now)?\(|\bpending\s*\(|#\[ignore\]/;
const ASSERTION = /\bassert\w*\b|\bexpect\s*\(|\.should\b|\bt\.(?:Error|Fatal)f?\(/;

function problems(change: FileChange): string[] {
  if (change.status === 'D') return [`deletes the test file ${change.path}`];
  const found: string[] = [];
  if (change.added.some((line) => SKIP_MARKER.test(line)))
    found.push(`adds a skip or only marker to ${change.path}`);
  const removed = change.removed.filter((line) => ASSERTION.test(line)).length;
  const added = change.added.filter((line) => ASSERTION.test(line)).length;
  if (removed > added) found.push(`removes ${removed - added} assertion(s) from ${change.path}`);
  return found;
}

export const testTampering: DirectorRule = {
  name: 'test-tampering',
  async propose(view) {
    const reviewed = await changesToReview(
      view,
      'test-tampering',
      (settings) => view.config(settings, 'test-tampering') !== null,
    );
    return reviewed.flatMap(({ job, changes }) => {
      const pattern =
        view.config(job.settings, 'tdd')?.testPattern ?? DIRECTOR_RULES.tdd.defaults.testPattern;
      const tests = new RegExp(pattern);
      const found = changes.filter((change) => tests.test(change.path)).flatMap(problems);
      if (found.length === 0) return [];
      return [
        sendBack(
          'test-tampering',
          job,
          { problems: found },
          {
            issue: `the change weakens the tests: it ${found.join('; ')}`,
            recommendation:
              'make the code pass the tests as they were; change a test only where the task asks for different behaviour, and never skip or delete one to get a pass',
            file: null,
          },
        ),
      ];
    });
  },
};
