/** `wh`: the Workhorse command line. */
import { Command } from 'commander';
import { loadSettings } from '../config/settings.ts';
import { openConfiguredDatabase } from '../server/open.ts';
import { serve } from '../server/serve.ts';
import { VERSION } from '../server/version.ts';
import { fail, runCommand } from './run-command.ts';

const program = new Command()
  .name('wh')
  .description('Workhorse: run AI coding agents through DEV -> QA -> SEC -> DOCS -> COMPLETE')
  .version(VERSION);

program
  .command('serve')
  .description('start the API and dashboard (embedded PGlite unless DATABASE_URL is set)')
  .action(() =>
    runCommand(async () => {
      const settings = loadSettings();
      const server = await serve(settings);
      const where = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${settings.dataDir}`;
      process.stdout.write(`Workhorse ${VERSION} on ${server.url} (database: ${where})\n`);
      if (server.loginUrl) process.stdout.write(`Log in: ${server.loginUrl}\n`);
      else process.stdout.write(`Admin token: see ${settings.dataDir}/admin-token, or make one with the API.\n`);
      const stop = async () => {
        await server.stop();
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
      const opened = await openConfiguredDatabase(loadSettings());
      await opened.close();
      process.stdout.write('migrations applied\n');
    }),
  );

program.showHelpAfterError('(run wh --help for usage)');
program.parseAsync().catch(fail);
