import { describe, expect, it } from 'vitest';
import { deployDirProblem, parseShortstat, resolveRelease } from './release.ts';

describe('resolveRelease', () => {
  it('merges into the default branch and deploys by command unless the project says otherwise', () => {
    expect(resolveRelease(undefined)).toEqual({
      mode: 'merge',
      remote: 'origin',
      deployWith: 'command',
      deployDir: null,
    });
    expect(
      resolveRelease({ mode: 'push', remote: 'prod', deployWith: 'agent', deployDir: '/srv/app' }),
    ).toEqual({ mode: 'push', remote: 'prod', deployWith: 'agent', deployDir: '/srv/app' });
  });
});

describe('deployDirProblem', () => {
  it('refuses a deploy folder in, at or around the data folder, and accepts one beside it', () => {
    expect(deployDirProblem('/srv/app', '/srv/wh-data')).toBeNull();
    expect(deployDirProblem('/srv/wh-data-deployed', '/srv/wh-data')).toBeNull();
    for (const inside of ['/srv/wh-data', '/srv/wh-data/deployed', '/srv', '/'])
      expect(deployDirProblem(inside, '/srv/wh-data')).toMatch(/overlaps the data folder \/srv\/wh-data/);
  });
});

describe('parseShortstat', () => {
  it('reads files, insertions and deletions, in the singular and the plural', () => {
    expect(parseShortstat(' 3 files changed, 10 insertions(+), 2 deletions(-)')).toEqual({
      filesChanged: 3,
      insertions: 10,
      deletions: 2,
    });
    expect(parseShortstat(' 1 file changed, 1 insertion(+)')).toEqual({
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
    });
    expect(parseShortstat(' 1 file changed, 1 deletion(-)')).toEqual({
      filesChanged: 1,
      insertions: 0,
      deletions: 1,
    });
  });

  it('reads nothing changed as zeros', () => {
    expect(parseShortstat('')).toEqual({ filesChanged: 0, insertions: 0, deletions: 0 });
  });
});
