import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { readJournal } from './migrate.ts';
import { createPgliteFolder, hasPgliteDatabase, makePgliteTemplate } from './pglite-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-pglite-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a PGlite data folder', () => {
  it('is made by a child process on first open, then opened with the embedded settings', async () => {
    const dataDir = join(root, 'data', 'pglite');
    expect(hasPgliteDatabase(dataDir)).toBe(false);
    const database = await openDatabase({ dataDir });
    try {
      expect(hasPgliteDatabase(dataDir)).toBe(true);
      const { rows } = await database.db.execute<{ shared_buffers: string }>('show shared_buffers');
      expect(rows[0]!.shared_buffers).toBe('32MB');
    } finally {
      await database.close();
    }
    // Made beside it and renamed into place: nothing else is left in the parent.
    expect(readdirSync(join(root, 'data'))).toEqual(['pglite']);
    // A second open finds it and keeps what it holds.
    const again = await openDatabase({ dataDir });
    try {
      await again.db.execute('create table kept (id int)');
    } finally {
      await again.close();
    }
    const third = await openDatabase({ dataDir });
    try {
      expect((await third.db.execute('select count(*)::int as n from kept')).rows).toEqual([{ n: 0 }]);
    } finally {
      await third.close();
    }
  }, 120_000);

  it('refuses to replace a folder that holds other files, and leaves them as they were', async () => {
    const dataDir = join(root, 'taken');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine\n');
    await expect(createPgliteFolder(dataDir)).rejects.toThrow(
      /could not create the PGlite database in .*taken/,
    );
    expect(readFileSync(join(dataDir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readdirSync(root).filter((name) => name.includes('making'))).toEqual([]);
  }, 120_000);

  it("is copied from the build's template when that was made by this PGlite, migrated already", async () => {
    const template = join(root, 'template');
    await makePgliteTemplate(template);
    const copied = join(root, 'from-template');
    await createPgliteFolder(copied, template);
    // The template's mark stays with the template; the copy is an ordinary, migrated database.
    expect(existsSync(join(copied, 'workhorse-template.json'))).toBe(false);
    const database = await openDatabase({ dataDir: copied });
    try {
      const { rows } = await database.db.execute<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      expect(rows[0]!.n).toBe(readJournal().entries.length);
    } finally {
      await database.close();
    }

    // A template of another PGlite may not open: it is passed over, and the database made afresh.
    writeFileSync(join(template, 'workhorse-template.json'), '{"pglite":"0.0.1"}\n');
    writeFileSync(join(template, 'only-in-the-template'), 'x');
    const made = join(root, 'not-from-template');
    await createPgliteFolder(made, template);
    expect(hasPgliteDatabase(made)).toBe(true);
    expect(existsSync(join(made, 'only-in-the-template'))).toBe(false);
  }, 120_000);
});
