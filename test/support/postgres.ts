/**
 * PostgreSQL for tests: every test file gets its own database, cloned from a template that the global
 * setup migrated once per run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.WH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function urlFor(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function createDatabase(name: string, template?: string): Promise<string> {
  await withAdmin((admin) =>
    admin.query(`create database "${name}"${template ? ` template "${template}"` : ''}`),
  );
  return urlFor(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`));
}

export async function postgresReachable(): Promise<string | null> {
  try {
    await withAdmin((admin) => admin.query('select 1'));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
