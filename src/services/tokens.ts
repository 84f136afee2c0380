/**
 * API tokens. Only a SHA-256 hash is stored; the token itself is shown once, when it is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { registerSecret } from '../config/known-secrets.ts';
import type { Queryable } from '../db/client.ts';
import { apiTokens } from '../db/schema.ts';
import type { TokenRole } from '../domain/access.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';

export type ApiToken = Omit<typeof apiTokens.$inferSelect, 'tokenHash'>;

const TOKEN_PREFIX = 'wh_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new token value: `wh_` and 24 random bytes. */
export function newTokenValue(): string {
  return `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/**
 * Every API request checks its bearer token, and a dashboard or a script polling the API checks the same
 * few thousands of times a minute: a live token's lookup is kept for a second. A revoke in this process
 * forgets them all at once; one made by another process on the same database holds here within that second.
 */
const LOOKUP_KEPT_MS = 1000;
const MAX_KEPT = 1000;
const recentLookups = new Map<string, { db: Queryable; token: ApiToken; until: number }>();

/**
 * Stores a token. `token` may be made beforehand (`newTokenValue`), so that it is kept somewhere safe before
 * it exists: the admin token is written to its file first.
 */
export function createToken(
  ctx: ServiceContext,
  input: { name: string; role: TokenRole; token?: string },
): Promise<{ token: string; record: ApiToken }> {
  return inTransaction(ctx, async (tx) => {
    const token = input.token ?? newTokenValue();
    registerSecret(token);
    const [row] = await tx
      .insert(apiTokens)
      .values({ name: input.name, role: input.role, tokenHash: hashToken(token) })
      .returning();
    const { tokenHash: _hidden, ...record } = row!;
    await appendEvent(tx, ctx.actor, {
      type: 'token.created',
      payload: { token_id: record.id, name: record.name, role: record.role },
    });
    return { token, record };
  });
}

export async function revokeToken(ctx: ServiceContext, tokenId: number): Promise<ApiToken> {
  const revoked = await inTransaction(ctx, async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) throw errors.notFound('token', tokenId);
    // Dropped before the commit as well as after it: no request can be let in by a lookup kept meanwhile.
    recentLookups.clear();
    const { tokenHash: _hidden, ...record } = row;
    await appendEvent(tx, ctx.actor, {
      type: 'token.revoked',
      payload: { token_id: tokenId, name: row.name },
    });
    return record;
  });
  recentLookups.clear();
  return revoked;
}

/** `findToken`, answered from the lookups of the last second where it can be. */
export async function findLiveToken(db: Queryable, token: string): Promise<ApiToken | null> {
  const hash = hashToken(token);
  const kept = recentLookups.get(hash);
  if (kept && kept.db === db && kept.until > performance.now()) return kept.token;
  const found = await findToken(db, token);
  if (found) {
    if (recentLookups.size >= MAX_KEPT) recentLookups.clear();
    recentLookups.set(hash, { db, token: found, until: performance.now() + LOOKUP_KEPT_MS });
  } else {
    recentLookups.delete(hash);
  }
  return found;
}

/** The live token a bearer string names, or null. Reading is not a state change, so it writes no event. */
export async function findToken(db: Queryable, token: string): Promise<ApiToken | null> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  return row ?? null;
}

export async function listTokens(db: Queryable): Promise<ApiToken[]> {
  const rows = await db.select().from(apiTokens).orderBy(asc(apiTokens.id));
  return rows.map(({ tokenHash: _hidden, ...record }) => record);
}

export async function hasAdminToken(db: Queryable): Promise<boolean> {
  const [row] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.role, 'admin'), isNull(apiTokens.revokedAt)))
    .limit(1);
  return !!row;
}
