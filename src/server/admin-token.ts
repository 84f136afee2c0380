/**
 * On first start Workhorse makes an admin token and keeps it in the data folder (mode 600), so the person
 * who started it can log in, as Jupyter does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceContext } from '../services/context.ts';
import { createToken, findToken, hasAdminToken } from '../services/tokens.ts';

export interface AdminTokenResult {
  token: string | null;
  file: string;
  created: boolean;
}

export async function ensureAdminToken(ctx: ServiceContext, dataDir: string): Promise<AdminTokenResult> {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    const record = saved ? await findToken(ctx.db, saved) : null;
    if (record?.role === 'admin') return { token: saved, file, created: false };
  }
  if (await hasAdminToken(ctx.db)) return { token: null, file, created: false };
  const { token } = await createToken(ctx, { name: 'admin (first start)', role: 'admin' });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file, created: true };
}
