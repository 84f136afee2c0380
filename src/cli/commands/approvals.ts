/** `wh approvals`, `wh approve <id>`, `wh reject <id>`: the decisions Workhorse waits on. */
import { type Command, InvalidArgumentError } from 'commander';
import type { Approval } from '../../contracts/approvals.ts';
import { APPROVAL_STATES } from '../../domain/approvals.ts';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import { print, printJson, printList } from '../output.ts';
import { parseId, parsePositiveInt } from '../run-command.ts';

function parseState(value: string): string {
  if (!(APPROVAL_STATES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${APPROVAL_STATES.join(', ')}`);
  return value;
}

/** A parser of a number above 0, naming what it expected when it is not one. */
function positiveNumber(expected: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new InvalidArgumentError(`expected ${expected} above 0`);
    return parsed;
  };
}

function decided(approval: Approval): string {
  return `approval ${approval.id} (${approval.kind}, run ${approval.run_id}) is ${approval.state}`;
}

export function registerApprovalCommands(program: Command): void {
  listing(
    program
      .command('approvals')
      .description('the decisions Workhorse waits on (pending first)')
      .option(
        '--state <state>',
        'only approvals in this state (pending, approved, rejected, ...)',
        parseState,
      )
      .option('--run <run>', 'only this run', parseId),
  ).action((flags: ListOptions & { state?: string; run?: number }, command: Command) =>
    apiAction(command, async (client) => {
      const { approvalPageSchema } = await import('../../contracts/approvals.ts');
      const page = await client.get('/api/approvals', approvalPageSchema, {
        state: flags.state,
        run_id: flags.run,
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (a) => a.id },
          { header: 'run', value: (a) => a.run_id },
          { header: 'task', value: (a) => a.task_id },
          { header: 'kind', value: (a) => a.kind },
          { header: 'state', value: (a) => a.state },
          { header: 'reason', value: (a) => a.reason, max: 70 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'approvals' },
      );
    }),
  );

  program
    .command('approve')
    .description('approve: release an escalated task, deploy a run, or raise a budget and resume')
    .argument('<approval>', 'approval id (wh approvals)', parseId)
    .option('--note <text>', 'why, kept with the decision')
    .option('--tokens <n>', 'a budget approval: the raised token limit', parsePositiveInt)
    .option(
      '--cost <usd>',
      'a budget approval: the raised cost limit in USD',
      positiveNumber('an amount in USD'),
    )
    .option(
      '--wall-seconds <s>',
      'a budget approval: the raised wall-time limit in seconds (limits not given stay as they are)',
      positiveNumber('a number of seconds'),
    )
    .option('--json', 'print the API answer as JSON')
    .action(
      (
        id: number,
        flags: { note?: string; tokens?: number; cost?: number; wallSeconds?: number; json?: boolean },
        command: Command,
      ) =>
        apiAction(command, async (client) => {
          const { approvalSchema } = await import('../../contracts/approvals.ts');
          const raised = { tokens: flags.tokens, cost_usd: flags.cost, wall_seconds: flags.wallSeconds };
          const budget = Object.values(raised).some((limit) => limit !== undefined) ? raised : undefined;
          const approval = await client.post(`/api/approvals/${id}/decide`, approvalSchema, {
            decision: 'approve',
            note: flags.note,
            budget,
          });
          if (flags.json) printJson(approval);
          else print(decided(approval));
        }),
    );

  program
    .command('reject')
    .description("reject: cancel an escalated task's held job, or keep a run from deploying")
    .argument('<approval>', 'approval id (wh approvals)', parseId)
    .option('--note <text>', 'why, kept with the decision')
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { note?: string; json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { approvalSchema } = await import('../../contracts/approvals.ts');
        const approval = await client.post(`/api/approvals/${id}/decide`, approvalSchema, {
          decision: 'reject',
          note: flags.note,
        });
        if (flags.json) printJson(approval);
        else print(decided(approval));
      }),
    );
}
