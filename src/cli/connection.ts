/**
 * Where the CLI finds the server and its token: `--url`/`--token`, else `WH_URL`/`WH_TOKEN`, else the local
 * data folder (`WH_DATA_DIR`, default `.workhorse`), where `wh serve` records the address it listens on and
 * keeps the admin token — so on the server machine `wh run list` works with no setup. The data folder's
 * admin token goes only to the server the data folder records: to any other address it would hand whoever
 * answers there full control of this installation.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors/user-error.ts';

export interface Connection {
  url: string;
  token: string | null;
  /** Where the token came from: given (flag or environment) or the local admin token. */
  tokenFrom: 'given' | 'data-folder' | null;
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
}

const SERVER_URL_FILE = 'server-url';

function readTrimmed(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

/** `wh serve` records `localhost` for a server listening on 127.0.0.1 or ::1: one server, three spellings. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function sameServer(recorded: string, origin: URL): boolean {
  let known: URL;
  try {
    known = new URL(recorded);
  } catch {
    return false;
  }
  if (known.origin === origin.origin) return true;
  return (
    known.protocol === origin.protocol &&
    known.port === origin.port &&
    LOOPBACK_NAMES.has(known.hostname) &&
    LOOPBACK_NAMES.has(origin.hostname)
  );
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const dataDir = resolve(nonEmpty(env.WH_DATA_DIR) ?? '.workhorse');
  const recordedUrl = readTrimmed(join(dataDir, SERVER_URL_FILE));
  const url =
    nonEmpty(flags.url) ??
    nonEmpty(env.WH_URL) ??
    recordedUrl ??
    `http://127.0.0.1:${nonEmpty(env.PORT) ?? '8000'}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`not a server address: ${url} (expected e.g. http://127.0.0.1:8000)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UserError(`not a server address: ${url} (expected http:// or https://)`);
  const given = nonEmpty(flags.token) ?? nonEmpty(env.WH_TOKEN);
  if (given) return { url: parsed.origin, token: given, tokenFrom: 'given' };
  const local =
    recordedUrl !== null && sameServer(recordedUrl, parsed)
      ? readTrimmed(join(dataDir, 'admin-token'))
      : null;
  return { url: parsed.origin, token: local, tokenFrom: local ? 'data-folder' : null };
}

/** `wh serve` records where it listens, so local commands find a server on any port. */
export function recordServerUrl(dataDir: string, url: string): () => void {
  const file = join(dataDir, SERVER_URL_FILE);
  writeFileSync(file, `${url}\n`, { mode: 0o600 });
  return () => {
    if (readTrimmed(file) === url) rmSync(file, { force: true });
  };
}
