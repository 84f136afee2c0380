import { describe, expect, it } from 'vitest';
import { overlappingFiles } from './files.ts';

describe('overlappingFiles', () => {
  it('finds the same path, however it is written', () => {
    expect(overlappingFiles(['src/a.js', 'src/b.js'], ['./src/b.js'])).toEqual(['src/b.js']);
    expect(overlappingFiles(['src//a.js'], [' src/a.js '])).toEqual(['src/a.js']);
  });

  it('a folder covers every path under it, from either side', () => {
    expect(overlappingFiles(['src/'], ['src/lib/a.js'])).toEqual(['src/']);
    expect(overlappingFiles(['src/lib/a.js'], ['src/'])).toEqual(['src/lib/a.js']);
  });

  it('tells apart neighbours that only share a prefix', () => {
    expect(overlappingFiles(['src/a.js'], ['src/a.jsx', 'src/a.js.map', 'src/'.slice(0, 3)])).toEqual([]);
    expect(overlappingFiles(['src'], ['src/a.js'])).toEqual([]);
  });

  it('nothing overlaps nothing', () => {
    expect(overlappingFiles([], ['a'])).toEqual([]);
    expect(overlappingFiles(['a'], [])).toEqual([]);
    expect(overlappingFiles([''], [''])).toEqual([]);
  });
});
