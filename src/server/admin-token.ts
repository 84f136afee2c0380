/**
 * On first start Workhorse makes an admin token and keeps it in the data folder (the folder 700, the file
 * 600), so the person who started it can log in, as Jupyter does. The file is written before the token
 * exists in the database: a start that fails in between leaves a file naming no token, which the next
 * start replaces, never a token nobody can read. Should the file be lost anyway, `wh token create --role
 * admin` on the server's machine makes a new one.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceContext } from '../services/context.ts';
import { createToken, findToken, hasAdminToken, newTokenValue } from '../services/tokens.ts';
import { ensurePrivateDataDir } from './data-dir-lock.ts';

export interface AdminTokenResult {
  token: string | null;
  file: string;
  created: boolean;
}

/** Writes `content` to `file` whole or not at all (a crash leaves the old file or none, never half). */
function writePrivateFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600 });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

export async function ensureAdminToken(ctx: ServiceContext, dataDir: string): Promise<AdminTokenResult> {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    const record = saved ? await findToken(ctx.db, saved) : null;
    if (record?.role === 'admin') return { token: saved, file, created: false };
  }
  if (await hasAdminToken(ctx.db)) return { token: null, file, created: false };
  ensurePrivateDataDir(dataDir);
  const token = newTokenValue();
  writePrivateFile(file, `${token}\n`);
  await createToken(ctx, { name: 'admin (first start)', role: 'admin', token });
  return { token, file, created: true };
}
