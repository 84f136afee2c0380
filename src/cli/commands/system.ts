/** `wh status`, `wh bugs`, `wh token list|revoke`: the server as a whole. */
import type { Command } from 'commander';
import type { Status } from '../../contracts/system.ts';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import { formatFields, print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

export function describeStatus(status: Status): string {
  const queue = status.queue
    ? Object.entries(status.queue)
        .filter(([, count]) => count > 0)
        .map(([state, count]) => `${state} ${count}`)
        .join(', ') || 'empty'
    : null;
  const workers = status.workers
    ?.map((worker) => `${worker.host}:${worker.pid} x${worker.concurrency}`)
    .join(', ');
  return formatFields([
    ['version', status.version],
    [
      'database',
      `${status.database}${status.connection.reachable ? '' : ` UNREACHABLE since ${status.connection.down_since}`}`,
    ],
    [
      'migrations',
      status.migrations
        ? `${status.migrations.applied}/${status.migrations.known} (${status.migrations.latest})`
        : null,
    ],
    ['sandbox', status.sandbox.available ? 'bubblewrap' : `unavailable: ${status.sandbox.problem}`],
    ['queue', queue],
    ['workers', workers || 'none'],
    ['uptime', `${status.uptime_seconds} s`],
  ]);
}

export function registerSystemCommands(program: Command): void {
  program
    .command('status')
    .description('the server: version, database, migrations, sandbox, queue and workers')
    .option('--json', 'print the API answer as JSON')
    .action((flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { statusSchema } = await import('../../contracts/system.ts');
        const status = await client.request('GET', '/api/status', statusSchema, { answersWith: [503] });
        if (flags.json) printJson(status);
        else print(describeStatus(status));
        if (!status.connection.reachable) process.exitCode = 1;
      }),
    );

  listing(
    program
      .command('bugs')
      .description('bug reports filed from the dashboard')
      .option('--status <status>', 'only reports with this status'),
  ).action((flags: ListOptions & { status?: string }, command: Command) =>
    apiAction(command, async (client) => {
      const { bugReportPageSchema } = await import('../../contracts/bug-reports.ts');
      const page = await client.get('/api/bug-reports', bugReportPageSchema, {
        status: flags.status,
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (b) => b.id },
          { header: 'status', value: (b) => b.status },
          { header: 'by', value: (b) => b.reporter },
          { header: 'page', value: (b) => b.page_url, max: 30 },
          { header: 'title', value: (b) => b.title, max: 60 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'bug reports' },
      );
    }),
  );
}

export function registerTokenApiCommands(token: Command): void {
  token
    .command('list')
    .description('API tokens (never their values)')
    .option('--json', 'print the API answer as JSON')
    .action((flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { tokenListSchema } = await import('../../contracts/system.ts');
        const list = await client.get('/api/tokens', tokenListSchema);
        printList(
          list.items,
          [
            { header: 'id', value: (t) => t.id },
            { header: 'role', value: (t) => t.role },
            { header: 'name', value: (t) => t.name, max: 40 },
            { header: 'last used', value: (t) => t.last_used_at },
            { header: 'revoked', value: (t) => t.revoked_at },
          ],
          { json: flags.json, raw: list, noun: 'tokens' },
        );
      }),
    );

  token
    .command('revoke')
    .description('revoke an API token: it stops working at once')
    .argument('<token>', 'token id (wh token list)', parseId)
    .action((id: number, _flags: unknown, command: Command) =>
      apiAction(command, async (client) => {
        await client.delete(`/api/tokens/${id}`);
        print(`revoked token ${id}`);
      }),
    );
}
