/**
 * The first start's admin token (PGlite and PostgreSQL): written to its file (folder 700, file 600) before
 * it exists in the database, so a start that fails to write it leaves no admin token behind, and the next
 * start makes one that works; a lost file is reported, not silently replaced by a second admin token.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminToken } from '../../src/server/admin-token.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { findToken, hasAdminToken } from '../../src/services/tokens.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-admin-token-'));
let database: TestDatabase | null = null;
let ctx: ServiceContext;

beforeEach(async () => {
  await database?.close();
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
});

afterAll(async () => {
  await database?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the first start admin token', () => {
  it('creates the folder (700) and the file (600), and the token in the file is an admin token', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const made = await ensureAdminToken(ctx, dataDir);
    expect(made.created).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(made.file).mode & 0o777).toBe(0o600);
    const saved = readFileSync(made.file, 'utf8').trim();
    expect(saved).toBe(made.token);
    expect((await findToken(ctx.db, saved))?.role).toBe('admin');
    // A second start reads it back and makes nothing.
    expect(await ensureAdminToken(ctx, dataDir)).toEqual({ token: saved, file: made.file, created: false });
  });

  it('leaves no admin token behind when its file cannot be written, and the next start works', async () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the data folder should be\n');
    await expect(ensureAdminToken(ctx, join(blocked, 'data'))).rejects.toThrow();
    expect(await hasAdminToken(ctx.db)).toBe(false);
    const made = await ensureAdminToken(ctx, join(root, 'unblocked'));
    expect(made.created).toBe(true);
    expect((await findToken(ctx.db, made.token!))?.role).toBe('admin');
  });

  it('replaces a file whose token the database does not know, when it has no admin token', async () => {
    const dataDir = join(root, 'stale');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'admin-token'), 'wh_not_a_token_this_database_knows_0000\n');
    const made = await ensureAdminToken(ctx, dataDir);
    expect(made.created).toBe(true);
    expect(readFileSync(made.file, 'utf8').trim()).toBe(made.token);
    expect((await findToken(ctx.db, made.token!))?.role).toBe('admin');
  });

  it('reports a lost file without making a second admin token', async () => {
    const dataDir = join(root, 'lost');
    const first = await ensureAdminToken(ctx, dataDir);
    rmSync(first.file);
    expect(await ensureAdminToken(ctx, dataDir)).toEqual({ token: null, file: first.file, created: false });
    expect(existsSync(first.file)).toBe(false);
  });
});
