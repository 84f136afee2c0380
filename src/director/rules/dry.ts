/**
 * dry: a DEV change that copies code (a block of at least `minLines` lines and `minTokens` tokens) already
 * in the repository or elsewhere in the change, instead of calling it. Read from the task branch: its
 * changed files and up to `maxFiles` other files of the same kinds.
 */
import type { DirectorRule } from '../rule.ts';
import { changesToReview, sendBack } from './dev-changes.ts';

const CODE = /\.(js|jsx|mjs|cjs|ts|tsx|mts|py|go|rb|java|kt|rs|c|cc|cpp|h|hpp|cs|php|swift|scala)$/i;

function extension(path: string): string {
  return path.slice(path.lastIndexOf('.')).toLowerCase();
}

export const dry: DirectorRule = {
  name: 'dry',
  async propose(view) {
    const reviewed = await changesToReview(view, 'dry', (settings) => view.config(settings, 'dry') !== null);
    const proposals = [];
    for (const { job, changes } of reviewed) {
      const config = view.config(job.settings, 'dry')!;
      const written = changes.filter((change) => change.status !== 'D' && CODE.test(change.path));
      if (written.length === 0) continue;
      const kinds = new Set(written.map((change) => extension(change.path)));
      const branch = await view.taskBranchOf(job);
      const all = await view.filesAt(job.repository, job.projectId, branch);
      const changedPaths = new Set(written.map((change) => change.path));
      const others = all
        .filter((path) => !changedPaths.has(path) && CODE.test(path) && kinds.has(extension(path)))
        .slice(0, Number(config.maxFiles));
      const read = (paths: readonly string[]) =>
        view.contentsAt(job.repository, job.projectId, branch, paths);
      // jscpd loads its grammars when imported (a tenth of a second): not at every server's start.
      const { clonesAddedBy } = await import('../clones.ts');
      const clones = await clonesAddedBy(
        await read(others),
        await read([...changedPaths]),
        new Map(written.map((change) => [change.path, new Set(change.addedLines)])),
        { minLines: Number(config.minLines), minTokens: Number(config.minTokens) },
      );
      if (clones.length === 0) continue;
      const first = clones[0]!;
      const where = (at: { path: string; start: number; end: number }) => `${at.path}:${at.start}-${at.end}`;
      proposals.push(
        sendBack(
          'dry',
          job,
          { clones: clones.slice(0, 10) },
          {
            issue: `the change copies code: ${where(first.added)} repeats ${where(first.original)} (${first.lines} lines)${clones.length > 1 ? ` and ${clones.length - 1} more` : ''}`,
            recommendation: 'call the existing code, or move what both need into one function both call',
            file: first.added.path,
          },
        ),
      );
    }
    return proposals;
  },
};
