import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SandboxStatus } from '../agents/sandbox.ts';
import type { Settings } from '../config/settings.ts';
import type { Database } from '../db/client.ts';
import type { ServiceContext } from '../services/context.ts';
import type { StreamLimits } from './stream-guard.ts';

/** What the API needs from the process that hosts it. */
export interface ApiDeps {
  database: Database;
  settings: Pick<Settings, 'autoTriggerAgents'>;
  /** The data folder, where a project given by URL has its clone (read by the run branches route). */
  dataDir: string;
  startedAt: Date;
  version: string;
  /** Whether this process can confine agents, as found at start. */
  sandbox: SandboxStatus;
  /** Subscriptions may name private, loopback and link-local hosts (WH_WEBHOOK_ALLOW_PRIVATE); default no. */
  webhookAllowPrivate?: boolean;
  /** How much may wait unsent for a live-stream client, and for how long (defaults: 4 MB, 10 s). */
  streamLimits?: Partial<StreamLimits>;
}

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export function contextFor(deps: ApiDeps, request: FastifyRequest): ServiceContext {
  return { db: deps.database.db, settings: deps.settings, actor: request.token?.name ?? null };
}
