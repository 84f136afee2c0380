/** A real API over a real database, with a token of every role, for `app.inject()` tests. */
import { buildApp } from '../../src/api/app.ts';
import type { Api } from '../../src/api/deps.ts';
import { TOKEN_ROLES, type TokenRole } from '../../src/domain/access.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seedDefaultRoleConfigs } from '../../src/services/role-configs.ts';
import { createToken } from '../../src/services/tokens.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

export interface TestApi {
  app: Api;
  database: TestDatabase;
  ctx: ServiceContext;
  tokens: Record<TokenRole, string>;
  /** Headers carrying a token of `role` (admin by default). */
  auth(role?: TokenRole): { authorization: string };
  close(): Promise<void>;
}

export async function startTestApi(options: { autoTriggerAgents?: boolean } = {}): Promise<TestApi> {
  const database = await openTestDatabase({ poolSize: 25 });
  const settings = { autoTriggerAgents: options.autoTriggerAgents ?? false };
  const ctx: ServiceContext = { db: database.db, settings, actor: 'test-setup' };
  await seedDefaultRoleConfigs(ctx);
  const tokens = {} as Record<TokenRole, string>;
  for (const role of TOKEN_ROLES)
    tokens[role] = (await createToken(ctx, { name: `${role}-token`, role })).token;
  const app = await buildApp({ database, settings, startedAt: new Date(), version: 'test' });
  return {
    app,
    database,
    ctx,
    tokens,
    auth: (role = 'admin') => ({ authorization: `Bearer ${tokens[role]}` }),
    async close() {
      await app.close();
      await database.close();
    },
  };
}
