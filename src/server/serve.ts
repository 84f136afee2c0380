/** `wh serve`: the API, a worker, the Director and the webhook dispatcher in one process. */
import type { SandboxStatus } from '../agents/sandbox.ts';
import { buildApp } from '../api/app.ts';
import type { Api } from '../api/deps.ts';
import { registerSecret, registerSecretsFromEnv } from '../config/known-secrets.ts';
import type { Settings } from '../config/settings.ts';
import { Director } from '../director/director.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { Worker } from '../worker/worker.ts';
import { scheduleWorktreeSweep } from '../worker/worktree-sweep.ts';
import { ensureAdminToken } from './admin-token.ts';
import { checkConfiguredAgents, detectSandbox, workerHandlers } from './agent-setup.ts';
import { createLogger } from './logger.ts';
import { openConfiguredDatabase } from './open.ts';
import { scheduleMaintenance } from './pglite-maintenance.ts';
import { VERSION } from './version.ts';

export interface RunningServer {
  app: Api;
  url: string;
  loginUrl: string | null;
  /** Whether agents can be confined here, as found at start. */
  sandbox: SandboxStatus;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Run jobs in this process (the default; the only way with PGlite). */
  worker: boolean;
  workerConcurrency: number;
  /** Run the Director in this process (the default); with several servers on one database, one acts. */
  director?: boolean;
}

export async function serve(
  settings: Settings,
  options: ServeOptions = { worker: true, workerConcurrency: 2 },
): Promise<RunningServer> {
  const logger = createLogger(settings.logLevel);
  registerSecretsFromEnv(process.env);
  const opened = await openConfiguredDatabase(settings);
  try {
    const admin = await ensureAdminToken(
      { db: opened.database.db, settings, actor: 'workhorse' },
      settings.dataDir,
    );
    registerSecret(admin.token);
    const sandbox = detectSandbox(settings);
    // Named at start: a backend nobody installed would otherwise show only as its first job's failure.
    await checkConfiguredAgents(opened.database.db, logger).catch((error) =>
      logger.warn({ err: error }, 'checking the configured agent backends failed'),
    );
    const app = await buildApp(
      {
        database: opened.database,
        settings,
        dataDir: settings.dataDir,
        startedAt: new Date(),
        version: VERSION,
        sandbox,
        webhookAllowPrivate: settings.webhookAllowPrivate,
      },
      { logger },
    );
    const worker = options.worker
      ? new Worker({
          database: opened.database,
          handlers: workerHandlers(settings, sandbox),
          concurrency: options.workerConcurrency,
          logger,
        })
      : null;
    await worker?.start();
    const director =
      options.director === false
        ? null
        : new Director({
            db: opened.database.db,
            workspace: settings.dataDir,
            autoTriggerAgents: settings.autoTriggerAgents,
            logger,
          });
    director?.start();
    const webhooks = new WebhookDispatcher({
      db: opened.database.db,
      allowPrivate: settings.webhookAllowPrivate,
      logger,
    });
    webhooks.start();
    const stopSweep = worker ? scheduleWorktreeSweep(opened.database.db, settings.dataDir, logger) : () => {};
    const stopMaintenance = scheduleMaintenance(opened.database, (error) =>
      logger.warn({ err: error }, 'database maintenance failed'),
    );
    await app.listen({ host: settings.host, port: settings.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    const shownHost = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(settings.host)
      ? 'localhost'
      : settings.host;
    const url = `http://${shownHost}:${port}`;
    return {
      app,
      url,
      loginUrl: admin.token ? `${url}/ui/?token=${admin.token}` : null,
      sandbox,
      async stop() {
        await app.close();
        stopMaintenance();
        stopSweep();
        await director?.stop();
        await webhooks.stop();
        await worker?.stop();
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
