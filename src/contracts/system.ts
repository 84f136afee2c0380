/** Status and API tokens as the API answers with them. */
import { z } from 'zod';
import { TOKEN_ROLES } from '../domain/access.ts';
import { JOB_STATES } from '../domain/job-states.ts';
import { id, timestamp } from './common.ts';

const count = z.number().int().min(0);

const workerSchema = z.strictObject({
  id: z.string(),
  host: z.string(),
  pid: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  started_at: timestamp,
  last_heartbeat_at: timestamp,
  /** Null: the status lists live workers only. */
  stopped_at: timestamp.nullable(),
});

/** Whether the server can confine agents in bubblewrap, and what happens when it cannot. */
const sandboxStatusSchema = z.strictObject({
  available: z.boolean(),
  /** Why agents cannot be confined, in words a person can act on; null when they can. */
  problem: z.string().nullable(),
  allow_unsandboxed: z.boolean(),
});
export type SandboxStatus = z.infer<typeof sandboxStatusSchema>;

const backendFoundSchema = z.strictObject({
  name: z.string(),
  /** Where its executable is; null when it is not installed here. */
  path: z.string().nullable(),
  /** The first line of its `--version`; null when it gave none. */
  version: z.string().nullable(),
});

/**
 * `GET /api/status`: also sent (with a 503) while the database is out of reach; then the queue, workers and
 * migrations are null and `connection` says since when it is down.
 */
export const statusSchema = z.strictObject({
  version: z.string(),
  /** pglite or postgres. */
  database: z.string(),
  connection: z.strictObject({
    reachable: z.boolean(),
    listening: z.boolean(),
    outages: count,
    down_since: timestamp.nullable(),
    listener_pid: z.number().int().nullable(),
  }),
  uptime_seconds: count,
  sandbox: sandboxStatusSchema,
  migrations: z.strictObject({ applied: count, known: count, latest: z.string().nullable() }).nullable(),
  /** Jobs per state. */
  queue: z.record(z.enum(JOB_STATES), count).nullable(),
  workers: z.array(workerSchema).nullable(),
  /**
   * The agent CLIs Workhorse knows, whether each is installed here (its path) and its version; only for a
   * caller with a valid token (the route is public).
   */
  backends: z.array(backendFoundSchema).optional(),
});
export type Status = z.infer<typeof statusSchema>;

/** An API token, without its secret. */
export const tokenSchema = z.strictObject({
  id,
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});

export const tokenListSchema = z.strictObject({ items: z.array(tokenSchema) });

/** A new token: the only answer that carries its value. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });
