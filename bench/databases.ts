/**
 * Throwaway PostgreSQL databases for the benchmarks, on a server other work shares: creating one retries
 * while the server is busy (template in use, connection slots full, a restart under way), and every one
 * made is dropped, on success, on failure and on Ctrl-C.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { createDatabase, dropDatabase, uniqueName } from '../test/support/postgres.ts';

/** Conditions that pass on their own: worth another try after a pause. */
const BUSY_CODES = new Set([
  '55006', // object_in_use: another session is copying template1
  '53300', // too_many_connections
  '57P03', // cannot_connect_now: the server is starting or stopping
  '40001', // serialization_failure
]);
const TRANSIENT_MESSAGES = /ECONNREFUSED|ECONNRESET|timeout|terminat/i;
const ATTEMPTS = 8;

const made = new Set<string>();

function isTransient(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code !== undefined && BUSY_CODES.has(code)) || TRANSIENT_MESSAGES.test(message ?? '');
}

async function retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransient(error)) throw error;
      const pause = Math.min(5000, 100 * 2 ** attempt);
      console.error(`bench: ${what} failed (${(error as Error).message}); again in ${pause} ms`);
      await wait(pause);
    }
  }
}

function dropOnInterrupt(): void {
  const dropAll = async () => {
    await Promise.allSettled([...made].map((name) => dropDatabase(name)));
    process.exit(130);
  };
  process.once('SIGINT', dropAll);
  process.once('SIGTERM', dropAll);
}

let interruptHandled = false;

/** Runs `fn` with the URL of a new, empty database that is dropped afterwards whatever happens. */
export async function withFreshDatabase<T>(prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  if (!interruptHandled) {
    interruptHandled = true;
    dropOnInterrupt();
  }
  const name = uniqueName(prefix);
  const url = await retrying(`creating ${name}`, () => createDatabase(name));
  made.add(name);
  try {
    return await fn(url);
  } finally {
    await retrying(`dropping ${name}`, () => dropDatabase(name));
    made.delete(name);
  }
}
