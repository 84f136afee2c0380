import { describe, expect, it } from 'vitest';
import { parseShortstat, resolveRelease } from './release.ts';

describe('resolveRelease', () => {
  it('merges into the default branch and deploys by command unless the project says otherwise', () => {
    expect(resolveRelease(undefined)).toEqual({ mode: 'merge', remote: 'origin', deployWith: 'command' });
    expect(resolveRelease({ mode: 'push', remote: 'prod', deployWith: 'agent' })).toEqual({
      mode: 'push',
      remote: 'prod',
      deployWith: 'agent',
    });
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
