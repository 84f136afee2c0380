/**
 * Which errors mean "the database is out of reach" (a dropped connection, a restart, a refused connect), as
 * opposed to a query that is wrong. Those are outages: waited out and retried where safe, shown as 503s,
 * logged once per outage, never a crash.
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/** SQLSTATEs of a server going away: admin shutdown (pg_terminate_backend), crash, starting up. */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '53300']);

const MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection .*closed/i,
  /the database system is (starting up|shutting down)/i,
  /Client was closed and is not queryable/i,
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code && (NETWORK_CODES.has(code) || SERVER_GONE.has(code) || code.startsWith('08'))) return true;
  if (MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // Drizzle wraps the driver's error ("Failed query: ...") with the original as its cause.
  return error.cause !== undefined && error.cause !== error && isConnectionError(error.cause);
}
