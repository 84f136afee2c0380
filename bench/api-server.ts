/**
 * The API as `wh serve` builds it, over a fresh database, for the benchmarks that load it over HTTP: PGlite
 * in a data folder of its own, or a new PostgreSQL database; an admin token and a project; removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { detectSandbox } from '../src/server/agent-setup.ts';
import type { ServiceContext } from '../src/services/context.ts';
import { createProject } from '../src/services/projects.ts';
import { createToken } from '../src/services/tokens.ts';
import { withFreshDatabase } from './databases.ts';

export interface BenchServer {
  base: string;
  auth: Record<string, string>;
  ctx: ServiceContext;
  projectId: number;
}

export function withServer<T>(
  kind: 'pglite' | 'postgres',
  name: string,
  fn: (server: BenchServer) => Promise<T>,
): Promise<T> {
  return kind === 'postgres'
    ? withFreshDatabase(`wh_bench_${name}`, (url) => serve(name, fn, url))
    : serve(name, fn, undefined);
}

async function serve<T>(
  name: string,
  fn: (server: BenchServer) => Promise<T>,
  url: string | undefined,
): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), `wh-bench-${name}-`));
  try {
    const database = await openDatabase(url ? { url, poolSize: 10 } : { dataDir: join(folder, 'pglite') });
    try {
      await migrateDatabase(database);
      const ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
      const { token } = await createToken(ctx, { name: 'bench', role: 'admin' });
      const project = await createProject(ctx, { name: `${name}-bench`, repository: '/tmp' });
      const app = await buildApp({
        database,
        settings: ctx.settings,
        dataDir: folder,
        startedAt: new Date(),
        version: 'bench',
        sandbox: detectSandbox({ allowUnsandboxed: false }),
      });
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        return await fn({ base, auth: { authorization: `Bearer ${token}` }, ctx, projectId: project.id });
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
