/**
 * Statements and commits while a system drains, counted at the client: every `query` a pg client sends
 * is one statement; a commit is an explicit COMMIT, or a statement sent outside a transaction (PostgreSQL
 * commits it on its own). The peers bring their own copy of pg, so each copy is counted.
 */
interface QueryableClient {
  query: (...args: unknown[]) => unknown;
}
export interface PgModule {
  Client: { prototype: QueryableClient };
}

const OPENS = /^\s*(begin|start\s+transaction)\b/i;
const ENDS = /^\s*(commit|end|rollback|abort)\b/i;
const COMMITS = /^\s*(commit|end)\b/i;
/** A BEGIN ... COMMIT sent as one simple query. */
const WHOLE_TRANSACTION = /\bcommit\s*;?\s*$/i;

export class StatementCounter {
  statements = 0;
  commits = 0;
  private readonly open = new WeakSet<object>();

  reset(): void {
    this.statements = 0;
    this.commits = 0;
  }

  see(client: object, text: string): void {
    this.statements += 1;
    if (OPENS.test(text)) {
      if (WHOLE_TRANSACTION.test(text)) this.commits += 1;
      else this.open.add(client);
    } else if (ENDS.test(text)) {
      if (this.open.has(client) && COMMITS.test(text)) this.commits += 1;
      this.open.delete(client);
    } else if (!this.open.has(client)) {
      this.commits += 1;
    }
  }
}

const patched = new WeakSet<object>();

/** Counts every statement sent through these copies of pg from now on. */
export function countStatements(counter: StatementCounter, modules: readonly PgModule[]): void {
  for (const { Client } of modules) {
    const prototype = Client.prototype;
    if (patched.has(prototype)) continue;
    patched.add(prototype);
    const original = prototype.query;
    prototype.query = function (this: object, ...args: unknown[]) {
      const [config] = args;
      const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
      if (typeof text === 'string') counter.see(this, text);
      return original.apply(this, args);
    };
  }
}
