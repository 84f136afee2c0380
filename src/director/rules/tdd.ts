/**
 * tdd: a DEV change that touches source code but no test. Documentation, configuration and data files do
 * not count as source; the project's `testPattern` (a regular expression on the path) says what a test is.
 */
import type { DirectorRule } from '../rule.ts';
import { changesToReview, sendBack } from './dev-changes.ts';

const SOURCE = /\.(js|jsx|mjs|cjs|ts|tsx|mts|py|go|rb|java|kt|rs|c|cc|cpp|h|hpp|cs|php|swift|scala)$/i;

export const tdd: DirectorRule = {
  name: 'tdd',
  async propose(view) {
    const reviewed = await changesToReview(view, 'tdd', (settings) => view.config(settings, 'tdd') !== null);
    return reviewed.flatMap(({ job, changes }) => {
      const tests = new RegExp(view.config(job.settings, 'tdd')!.testPattern);
      const kept = changes.filter((change) => change.status !== 'D');
      const testFiles = kept.filter((change) => tests.test(change.path));
      const sources = kept.filter((change) => SOURCE.test(change.path) && !tests.test(change.path));
      if (sources.length === 0 || testFiles.length > 0) return [];
      const paths = sources.map((change) => change.path);
      return [
        sendBack(
          'tdd',
          job,
          { source_files: paths, test_files: [] },
          {
            issue: `the change touches source code (${paths.join(', ')}) but no test`,
            recommendation:
              'write or extend the tests that pin this behaviour down (a test that fails without the change), then keep them passing',
            file: paths[0] ?? null,
          },
        ),
      ];
    });
  },
};
