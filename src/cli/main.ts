/**
 * `wh`: the Workhorse command line. Only commander and a few small modules load at the top: each command
 * imports what it needs (Fastify, PGlite, Drizzle, the worker) inside its action, so `wh --help` and
 * `wh --version` start in about the time of a bare `node` (`npm run bench:startup`).
 */
import { Command, CommanderError } from 'commander';
import { TOKEN_ROLES, type TokenRole } from '../domain/access.ts';
import { VERSION } from '../server/version.ts';
import { registerApprovalCommands } from './commands/approvals.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerJobCommands } from './commands/jobs.ts';
import { registerProjectCommands } from './commands/projects.ts';
import { registerRoleCommands } from './commands/roles.ts';
import { registerRunCommands } from './commands/runs.ts';
import { registerSystemCommands, registerTokenApiCommands } from './commands/system.ts';
import { registerTaskCommands } from './commands/tasks.ts';
import { registerWebhookCommands } from './commands/webhooks.ts';
import { completionScript, completionsFor } from './completion.ts';
import { fail, parseId, parsePositiveInt, parseTokenRole, runCommand } from './run-command.ts';

/** Exit codes: 0 done, 1 the operation failed, 2 the command line was wrong (commander's own errors). */
const USAGE_EXIT = 2;

const program = new Command()
  .name('wh')
  .description('Workhorse: run AI coding agents through DEV -> QA -> SEC -> DOCS -> COMPLETE')
  .version(VERSION)
  .option('--url <url>', 'the server (default: WH_URL, else the local `wh serve`)')
  .option('--token <token>', 'an API token (default: WH_TOKEN, else the local admin token)')
  .exitOverride();

program
  .command('serve')
  .description('start the API, dashboard and a worker (embedded PGlite unless DATABASE_URL is set)')
  .option('--no-worker', 'run no jobs in this process (PostgreSQL, with separate `wh worker` processes)')
  .option('--no-director', 'run no Director in this process (another server or `wh director` runs it)')
  .option('-c, --concurrency <n>', 'jobs the in-process worker runs at once', parsePositiveInt, 2)
  .action((options: { worker: boolean; director: boolean; concurrency: number }) =>
    runCommand(async () => {
      const [{ loadSettings }, { serve }, { describeSandbox }, { recordServerUrl }, doctor] =
        await Promise.all([
          import('../config/settings.ts'),
          import('../server/serve.ts'),
          import('../server/agent-setup.ts'),
          import('./connection.ts'),
          import('../doctor/doctor.ts'),
        ]);
      const settings = loadSettings();
      const server = await serve(settings, {
        worker: options.worker,
        workerConcurrency: options.concurrency,
        director: options.director,
      });
      const forgetUrl = recordServerUrl(settings.dataDir, server.url);
      const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${settings.dataDir}`;
      process.stdout.write(`Workhorse ${VERSION} on ${server.url} (database: ${where})\n`);
      process.stdout.write(`Agents: ${describeSandbox(server.sandbox)}\n`);
      process.stdout.write(`${doctor.summarizeChecks(doctor.startChecks(settings))}\n`);
      if (server.loginUrl) process.stdout.write(`Log in: ${server.loginUrl}\n`);
      else
        process.stdout.write(
          `Admin token: this database has one, but not the one in ${settings.dataDir}/admin-token; make another with: wh token create --role admin\n`,
        );
      const stop = async () => {
        forgetUrl();
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return 'keep-running';
    }),
  );

program
  .command('worker')
  .description('run jobs from a PostgreSQL database (DATABASE_URL); SIGTERM drains, a second SIGINT forces')
  .option('-c, --concurrency <n>', 'jobs run at once', parsePositiveInt, 2)
  .option(
    '--grace-seconds <n>',
    'on SIGTERM, how long running jobs may finish before they are requeued',
    parsePositiveInt,
    30,
  )
  .option('--lease-seconds <n>', 'how long a claim holds without renewal', parsePositiveInt, 30)
  .option(
    '--max-outage-seconds <n>',
    'exit (code 3) when the database stays out of reach this long (default: wait for ever)',
    parsePositiveInt,
  )
  .option('--handlers <module>', 'a module exporting extra job handlers')
  .action(
    (options: {
      concurrency: number;
      graceSeconds: number;
      leaseSeconds: number;
      maxOutageSeconds?: number;
      handlers?: string;
    }) =>
      runCommand(async () => {
        const [{ loadSettings }, { runWorkerProcess }] = await Promise.all([
          import('../config/settings.ts'),
          import('../server/work.ts'),
        ]);
        await runWorkerProcess(loadSettings(), {
          concurrency: options.concurrency,
          graceSeconds: options.graceSeconds,
          leaseSeconds: options.leaseSeconds,
          maxOutageSeconds: options.maxOutageSeconds,
          handlersModule: options.handlers,
        });
        return 'keep-running';
      }),
  );

program
  .command('director')
  .description(
    'run the Director alone: it supervises every run (stuck work, TDD, tampered tests, budgets); one acts per database',
  )
  .option('--every-seconds <n>', 'how often it looks', parsePositiveInt, 5)
  .action((options: { everySeconds: number }) =>
    runCommand(async () => {
      const [{ loadSettings }, { openConfiguredDatabase }, { createLogger }, { Director }] =
        await Promise.all([
          import('../config/settings.ts'),
          import('../server/open.ts'),
          import('../server/logger.ts'),
          import('../director/director.ts'),
        ]);
      const settings = loadSettings();
      const opened = await openConfiguredDatabase(settings);
      const director = new Director({
        db: opened.database.db,
        workspace: settings.dataDir,
        autoTriggerAgents: settings.autoTriggerAgents,
        logger: createLogger(settings.logLevel),
        everyMs: options.everySeconds * 1000,
      });
      director.start();
      process.stdout.write(`Director ${director.id} supervising (every ${options.everySeconds} s)\n`);
      const stop = async () => {
        await director.stop();
        await opened.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return 'keep-running';
    }),
  );

program
  .command('migrate')
  .description('apply database migrations and load default role prompts, then exit')
  .action(() =>
    runCommand(async () => {
      const [{ loadSettings }, { openConfiguredDatabase }] = await Promise.all([
        import('../config/settings.ts'),
        import('../server/open.ts'),
      ]);
      const opened = await openConfiguredDatabase(loadSettings());
      await opened.close();
      process.stdout.write('migrations applied\n');
      return 'done';
    }),
  );

program
  .command('gc')
  .description(
    'remove the worktrees nothing will work in again (as every worker does each minute) and say where their work is kept',
  )
  .action(() =>
    runCommand(async () => {
      const [{ loadSettings }, { openConfiguredDatabase }, sweep] = await Promise.all([
        import('../config/settings.ts'),
        import('../server/open.ts'),
        import('../worker/worktree-sweep.ts'),
      ]);
      const settings = loadSettings();
      const opened = await openConfiguredDatabase(settings);
      try {
        const worktrees = await sweep.sweepWorktrees(opened.database.db, settings.dataDir);
        const homes = await sweep.sweepHomes(opened.database.db, settings.dataDir);
        process.stdout.write(`${sweep.describeSweep(worktrees, homes).join('\n')}\n`);
      } finally {
        await opened.close();
      }
      return 'done';
    }),
  );

const token = program.command('token').description('API tokens, made on the server machine');
token
  .command('create')
  .description('make an API token directly in the database (recovers a lost admin token); prints it once')
  .requiredOption('--role <role>', `its role: ${TOKEN_ROLES.join(', ')}`, parseTokenRole)
  .option('--name <name>', 'what it is for (shown in token lists)')
  .action((options: { role: TokenRole; name?: string }) =>
    runCommand(async () => {
      const [{ loadSettings }, { openConfiguredDatabase }, { createToken }] = await Promise.all([
        import('../config/settings.ts'),
        import('../server/open.ts'),
        import('../services/tokens.ts'),
      ]);
      const settings = loadSettings();
      const opened = await openConfiguredDatabase(settings);
      try {
        const made = await createToken(
          { db: opened.database.db, settings, actor: 'wh token create' },
          { name: options.name ?? `${options.role} (wh token create)`, role: options.role },
        );
        process.stdout.write(`${made.token}\n`);
      } finally {
        await opened.close();
      }
      return 'done';
    }),
  );

registerTokenApiCommands(token);
registerSystemCommands(program);
registerProjectCommands(program);
registerRunCommands(program);
registerTaskCommands(program);
registerJobCommands(program);
registerApprovalCommands(program);
registerRoleCommands(program);
registerWebhookCommands(program);
registerDemoCommand(program);

program
  .command('doctor')
  .description(
    'check this machine for what Workhorse needs, one line each with the fix; exit 1 if something needed is missing',
  )
  .option('--json', 'print the checks as JSON')
  .action((options: { json?: boolean }) =>
    runCommand(async () => {
      const [{ loadSettings }, { runDoctor }, { anyFailed, formatCheck }] = await Promise.all([
        import('../config/settings.ts'),
        import('../doctor/doctor.ts'),
        import('../doctor/check.ts'),
      ]);
      const checks = await runDoctor(loadSettings());
      process.stdout.write(
        options.json ? `${JSON.stringify(checks, null, 2)}\n` : `${checks.map(formatCheck).join('\n')}\n`,
      );
      if (anyFailed(checks)) process.exitCode = 1;
      return 'done';
    }),
  );

program
  .command('mcp')
  .description(
    'serve the board to other agents and IDEs over MCP (stdio); read-only unless given an operator token (--token or WH_TOKEN)',
  )
  .action((_options: unknown, command: Command) =>
    runCommand(async () => {
      const [{ ApiClient }, { resolveConnection }, { serveBoardOverStdio }] = await Promise.all([
        import('./api-client.ts'),
        import('./connection.ts'),
        import('../mcp/stdio.ts'),
      ]);
      await serveBoardOverStdio(new ApiClient(resolveConnection(command.optsWithGlobals())));
      return 'keep-running';
    }),
  );

program
  .command('watch')
  .description("a live terminal view: runs, a run's stage board, running agents and their last log lines")
  .argument('[run]', "open this run's board", parseId)
  .action((runId: number | undefined, _options: unknown, command: Command) =>
    runCommand(async () => {
      const [{ ApiClient }, { resolveConnection }, { watch }] = await Promise.all([
        import('./api-client.ts'),
        import('./connection.ts'),
        import('../watch/watch.tsx'),
      ]);
      await watch(new ApiClient(resolveConnection(command.optsWithGlobals())), runId);
      return 'done';
    }),
  );

program
  .command('completion')
  .description('a completion script: eval "$(wh completion bash)" in ~/.bashrc (or zsh in ~/.zshrc)')
  .argument('<shell>', 'bash or zsh')
  .action((shell: string) => {
    const script = completionScript(shell);
    if (script === null) {
      process.stderr.write(`wh: no completion for ${shell} (bash or zsh)\n`);
      process.exit(USAGE_EXIT);
    }
    process.stdout.write(script);
  });

program
  .command('__complete', { hidden: true })
  .argument('[words...]')
  .action((words: string[]) => {
    process.stdout.write(`${completionsFor(program, words).join('\n')}\n`);
  });

program.showHelpAfterError('(run wh --help for usage)');
program.parseAsync().catch((error: unknown) => {
  if (error instanceof CommanderError)
    process.exit(error.exitCode === 0 || error.code === 'commander.help' ? 0 : USAGE_EXIT);
  fail(error);
});
