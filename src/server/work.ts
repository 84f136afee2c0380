/** `wh worker`: a worker process on PostgreSQL, drained on SIGTERM, forced by a second SIGINT. */
import { registerSecretsFromEnv } from '../config/known-secrets.ts';
import type { Settings } from '../config/settings.ts';
import { UserError } from '../errors/user-error.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { loadHandlers } from '../worker/load-handlers.ts';
import { OutageLog } from '../worker/outage-log.ts';
import { Worker } from '../worker/worker.ts';
import { scheduleWorktreeSweep } from '../worker/worktree-sweep.ts';
import { detectSandbox, logSandbox, workerHandlers } from './agent-setup.ts';
import { createLogger } from './logger.ts';
import { openConfiguredDatabase } from './open.ts';

export class WorkerNeedsPostgresError extends UserError {
  override name = 'WorkerNeedsPostgresError';
}

export interface WorkerProcessOptions {
  concurrency: number;
  handlersModule?: string | undefined;
  graceSeconds: number;
  leaseSeconds: number;
  /** How long the database may be out of reach before the worker exits (code 3); absent: for ever. */
  maxOutageSeconds?: number | undefined;
}

/** The exit code of a worker that gave up waiting for its database. */
export const OUTAGE_EXIT_CODE = 3;

export async function runWorkerProcess(settings: Settings, options: WorkerProcessOptions): Promise<void> {
  if (!settings.databaseUrl) {
    throw new WorkerNeedsPostgresError(
      'wh worker needs PostgreSQL (set DATABASE_URL=postgres://...): an embedded PGlite database belongs to its one `wh serve` process, which already runs a worker',
    );
  }
  const logger = createLogger(settings.logLevel);
  registerSecretsFromEnv(process.env);
  const sandbox = detectSandbox(settings);
  logSandbox(sandbox, logger);
  const handlers = workerHandlers(settings, sandbox, await loadHandlers(options.handlersModule));
  const maxOutageMs = options.maxOutageSeconds === undefined ? null : options.maxOutageSeconds * 1000;
  const giveUp = (reason: string) => {
    logger.error(`${reason}: stopping (exit ${OUTAGE_EXIT_CODE})`);
    process.exit(OUTAGE_EXIT_CODE);
  };
  // Started while the database is down, it waits for it as it would during a run.
  const opened = await new OutageLog({ logger, maxOutageMs, onGiveUp: giveUp }).untilWritten(
    'opening the database',
    () => openConfiguredDatabase(settings),
  );
  const worker = new Worker({
    database: opened.database,
    handlers,
    concurrency: options.concurrency,
    leaseSeconds: options.leaseSeconds,
    maxOutageSeconds: options.maxOutageSeconds ?? null,
    onGiveUp: (reason) => {
      logger.error(`${reason}: stopping (exit ${OUTAGE_EXIT_CODE})`);
      void worker.stop(0).finally(() => process.exit(OUTAGE_EXIT_CODE));
    },
    logger,
  });
  // Nothing else may be holding the event loop open while the database is away (its sockets are gone).
  const keepAlive = setInterval(() => {}, 60_000);
  await worker.start();
  // Every worker sends webhooks too: their claims let any number share the work.
  const webhooks = new WebhookDispatcher({
    db: opened.database.db,
    allowPrivate: settings.webhookAllowPrivate,
    logger,
  });
  webhooks.start();
  // This machine's worktrees are this process's to clean up.
  const stopSweep = scheduleWorktreeSweep(opened.database.db, settings.dataDir, logger);
  process.stdout.write(
    `worker ${worker.id} started (concurrency ${options.concurrency}; kinds: ${Object.keys(handlers).join(', ')})\n`,
  );

  let stopping: Promise<void> | null = null;
  const drain = (graceMs: number) => {
    stopSweep();
    clearInterval(keepAlive);
    stopping ??= Promise.all([worker.stop(graceMs), webhooks.stop()])
      .then(() => opened.close())
      .then(() => process.exit(0));
    return stopping;
  };
  let interrupts = 0;
  process.on('SIGTERM', () => void drain(options.graceSeconds * 1000));
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(
        'draining: waiting for running jobs (press Ctrl-C again to stop now; they are requeued)\n',
      );
      void drain(options.graceSeconds * 1000);
    } else {
      void worker.stop(0).then(() => process.exit(130));
    }
  });
}
