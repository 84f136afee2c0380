/**
 * `wh demo`: Workhorse doing its job on a sample, offline, with no API key. A copy of examples/crud-service
 * becomes a git repository; a temporary `wh serve` (PGlite in the demo's folder, a free port) runs in this
 * process unless --url names a running server on this machine; the scripted team builds a search through
 * every stage (loop-backs, a fix task, docs), the run is tested and, once approved, merged and deployed to a
 * local folder. The server and the demo's modules load inside the action, as for every command.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type ConnectionFlags, resolveConnection } from '../connection.ts';
import { print } from '../output.ts';
import { parsePositiveInt, runCommand } from '../run-command.ts';

interface DemoFlags {
  yes?: boolean;
  keep?: boolean;
  dir?: string;
  timeout: number;
}

/** A server for the demo: the one --url names (with the token given for it), or a temporary one in `dataDir`. */
async function demoServer(given: ConnectionFlags, dataDir: string) {
  const url = given.url;
  if (url) return { connection: resolveConnection(given), dashboard: url, stop: async () => {} };
  const [{ loadSettings }, { serve }, { recordServerUrl }] = await Promise.all([
    import('../../config/settings.ts'),
    import('../../server/serve.ts'),
    import('../connection.ts'),
  ]);
  mkdirSync(dataDir, { recursive: true });
  const settings = {
    ...loadSettings(),
    dataDir,
    databaseUrl: null,
    port: 0,
    host: '127.0.0.1',
    autoTriggerAgents: true,
    logLevel: 'error' as const,
  };
  const server = await serve(settings, { worker: true, workerConcurrency: 2 });
  // So that `WH_DATA_DIR=<dataDir> wh ...` finds this server and its admin token, as on any server machine.
  const forget = recordServerUrl(dataDir, server.url);
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  print(`server: ${server.url} (temporary: PGlite in ${dataDir})`);
  if (server.loginUrl) print(`log in to the dashboard: ${server.loginUrl}`);
  return {
    connection: { url: server.url, token, tokenFrom: 'given' as const },
    dashboard: server.url,
    stop: async () => {
      forget();
      await server.stop();
    },
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'watch Workhorse build a feature on a sample CRUD service with its scripted team (offline, no API key), through approval to a deploy',
    )
    .option('--yes', 'approve the deploy yourself instead of waiting for `wh approve`')
    .option('--keep', 'keep the folder and, after the deploy, the server running (Ctrl-C stops it)')
    .option('--dir <folder>', 'work in this folder, kept afterwards (default: a temporary one)')
    .option('--timeout <seconds>', 'give up when the run takes longer', parsePositiveInt, 600)
    .action((flags: DemoFlags, command: Command) =>
      runCommand(async () => {
        const [{ ApiClient }, sample, { runDemo }, { describeSummary }] = await Promise.all([
          import('../api-client.ts'),
          import('../../demo/sample.ts'),
          import('../../demo/drive.ts'),
          import('../../demo/summary.ts'),
        ]);
        const given = command.optsWithGlobals() as ConnectionFlags;
        const url = given.url;
        const root = flags.dir ? resolve(flags.dir) : mkdtempSync(join(tmpdir(), 'wh-demo-'));
        mkdirSync(root, { recursive: true });
        const dataDir = join(root, 'data');
        const deployDir = join(root, 'deployed');
        print('wh demo: the scripted team builds a search into a sample CRUD service (offline, no API key)');
        const repository = await sample.makeSampleRepository(root);
        const recipe = sample.writeDemoRecipe(root);
        print(`sample: ${repository}`);
        const server = await demoServer(given, dataDir);
        let keepServing = false;
        try {
          const approveCommand = (id: number) =>
            url ? `wh --url ${url} approve ${id}` : `WH_DATA_DIR=${dataDir} wh approve ${id}`;
          const result = await runDemo(new ApiClient(server.connection), {
            repository,
            recipe,
            deployDir,
            yes: flags.yes === true,
            timeoutSeconds: flags.timeout,
            say: (line) => {
              print(line);
              if (line.startsWith('waiting for your approval'))
                print(`dashboard: ${server.dashboard}/ui/approvals`);
            },
            approveCommand,
          });
          const kept =
            flags.keep || flags.dir ? '' : '; the folder goes when the demo ends: --keep or --dir keeps it';
          print(
            `\ndeployed to ${deployDir} (released as ${result.releasedCommit?.slice(0, 12) ?? 'nothing'}${kept})`,
          );
          print(`dashboard: ${server.dashboard}/ui/run/${result.runId}`);
          for (const line of describeSummary(result.summary)) print(line);
          keepServing = flags.keep === true && !url;
        } finally {
          if (!keepServing) await server.stop();
          if (!flags.keep && !flags.dir) rmSync(root, { recursive: true, force: true });
        }
        if (!keepServing) return 'done';
        print('the server keeps running for the dashboard: Ctrl-C stops it');
        const stop = async () => {
          await server.stop();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return 'keep-running';
      }),
    );
}
