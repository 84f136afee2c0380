/** A real API over a real database, with a token of every role, for `app.inject()` tests. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxStatus } from '../../src/agents/sandbox.ts';
import { buildApp } from '../../src/api/app.ts';
import type { Api } from '../../src/api/deps.ts';
import type { StreamLimits } from '../../src/api/stream-guard.ts';
import { TOKEN_ROLES, type TokenRole } from '../../src/domain/access.ts';
import { detectSandbox } from '../../src/server/agent-setup.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { seedDefaultRoleConfigs } from '../../src/services/role-configs.ts';
import { createToken } from '../../src/services/tokens.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { scratchRepository } from './git.ts';

export interface TestApi {
  app: Api;
  database: TestDatabase;
  ctx: ServiceContext;
  tokens: Record<TokenRole, string>;
  /** Headers carrying a token of `role` (admin by default). */
  auth(role?: TokenRole): { authorization: string };
  close(): Promise<void>;
}

export async function startTestApi(
  options: {
    autoTriggerAgents?: boolean;
    sandbox?: SandboxStatus;
    streamLimits?: Partial<StreamLimits>;
    /** WH_WEBHOOK_ALLOW_PRIVATE for this API (default: refused, as in production). */
    webhookAllowPrivate?: boolean;
    /** The data folder; by default one that does not exist (no project given by URL has a clone). */
    dataDir?: string;
  } = {},
): Promise<TestApi> {
  const database = await openTestDatabase({ poolSize: 25 });
  const settings = { autoTriggerAgents: options.autoTriggerAgents ?? false };
  const ctx: ServiceContext = { db: database.db, settings, actor: 'test-setup' };
  await seedDefaultRoleConfigs(ctx);
  const tokens = {} as Record<TokenRole, string>;
  for (const role of TOKEN_ROLES)
    tokens[role] = (await createToken(ctx, { name: `${role}-token`, role })).token;
  const app = await buildApp({
    database,
    settings,
    dataDir: options.dataDir ?? join(tmpdir(), 'wh-test-api-no-data-folder'),
    startedAt: new Date(),
    version: 'test',
    sandbox: options.sandbox ?? detectSandbox({ allowUnsandboxed: false }),
    ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}),
    ...(options.webhookAllowPrivate ? { webhookAllowPrivate: true } : {}),
  });
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

/** A project made through the API; returns its id. */
export async function newProject(
  api: TestApi,
  name: string,
  repository = scratchRepository(),
): Promise<number> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: api.auth(),
    payload: { name, repository },
  });
  if (response.statusCode !== 201) throw new Error(`project ${name} was refused: ${response.body}`);
  return response.json<{ id: number }>().id;
}

/** A run made through the API, planning skipped (it is building at once); returns its id. */
export async function newRun(api: TestApi, projectId: number, goal: string): Promise<number> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/api/runs',
    headers: api.auth(),
    payload: { project_id: projectId, goal, skip_planning: true },
  });
  return response.json<{ id: number }>().id;
}
