/** `wh job list|show|logs|retry|cancel`. */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { JobDetail, JobSummary } from '../../contracts/jobs.ts';
import { isFinal, isJobState, JOB_STATES } from '../../domain/job-states.ts';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import { formatFields, print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

const FOLLOW_EVERY_MS = 1000;

function parseState(value: string): string {
  if (!isJobState(value)) throw new InvalidArgumentError(`expected one of ${JOB_STATES.join(', ')}`);
  return value;
}

function tokens(job: JobSummary): string | null {
  if (job.input_tokens === null && job.output_tokens === null) return null;
  return `${job.input_tokens ?? 0} in, ${job.output_tokens ?? 0} out`;
}

export function describeJob(job: JobDetail): string {
  return formatFields([
    ['job', `${job.id} ${job.kind} (run ${job.run_id}${job.task_id ? `, task ${job.task_id}` : ''})`],
    ['role', `${job.role}${job.stage ? ` at ${job.stage}` : ''}`],
    ['state', `${job.state}${job.held_by_pause ? ' (held by pause)' : ''}`],
    ['attempt', `${job.attempt} of ${job.max_attempts}`],
    ['backend', job.backend],
    ['exit code', job.exit_code],
    ['tokens', tokens(job)],
    ['cost', job.cost_usd === null ? null : `$${job.cost_usd.toFixed(4)}`],
    ['error', job.last_error],
    ['started', job.started_at],
    ['finished', job.finished_at],
  ]);
}

export function registerJobCommands(program: Command): void {
  const job = program.command('job').description('jobs: one agent or command run, with its log and evidence');

  listing(
    job
      .command('list')
      .description('jobs, newest first')
      .option('--state <state>', 'only jobs in this state', parseState)
      .option('--run <run>', 'only this run', parseId)
      .option('--task <task>', 'only this task', parseId),
  ).action((flags: ListOptions & { state?: string; run?: number; task?: number }, command: Command) =>
    apiAction(command, async (client) => {
      const { jobPageSchema } = await import('../../contracts/jobs.ts');
      const page = await client.get('/api/jobs', jobPageSchema, {
        state: flags.state,
        run_id: flags.run,
        task_id: flags.task,
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (j) => j.id },
          { header: 'run', value: (j) => j.run_id },
          { header: 'task', value: (j) => j.task_id },
          { header: 'role', value: (j) => j.role },
          { header: 'state', value: (j) => j.state },
          { header: 'backend', value: (j) => j.backend },
          { header: 'error', value: (j) => j.last_error, max: 60 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'jobs' },
      );
    }),
  );

  job
    .command('show')
    .description('one job: state, attempts, backend, exit code, usage, error')
    .argument('<job>', 'job id', parseId)
    .option('--json', 'print the API answer as JSON (with its log and report)')
    .action((id: number, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { jobDetailSchema } = await import('../../contracts/jobs.ts');
        const found = await client.get(`/api/jobs/${id}`, jobDetailSchema);
        if (flags.json) printJson(found);
        else print(describeJob(found));
      }),
    );

  job
    .command('logs')
    .description("a job's log; with -f, follow it until the job finishes")
    .argument('<job>', 'job id', parseId)
    .option('-f, --follow', 'keep printing new output until the job finishes')
    .action((id: number, flags: { follow?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { jobDetailSchema } = await import('../../contracts/jobs.ts');
        let printed = 0;
        for (;;) {
          const found = await client.get(`/api/jobs/${id}`, jobDetailSchema);
          // A retried job starts a new log: print it from its start.
          if (found.log.length < printed) printed = 0;
          process.stdout.write(found.log.slice(printed));
          printed = found.log.length;
          if (!flags.follow || isFinal(found.state)) {
            if (flags.follow) process.stderr.write(`job ${id} ${found.state}\n`);
            return;
          }
          await sleep(FOLLOW_EVERY_MS);
        }
      }),
    );

  for (const [action, description] of [
    ['retry', 'queue a failed, dead or cancelled job again'],
    ['cancel', 'cancel a held, queued or running job (a running agent is stopped)'],
  ] as const) {
    job
      .command(action)
      .description(description)
      .argument('<job>', 'job id', parseId)
      .option('--json', 'print the API answer as JSON')
      .action((id: number, flags: { json?: boolean }, command: Command) =>
        apiAction(command, async (client) => {
          const { jobDetailSchema } = await import('../../contracts/jobs.ts');
          const changed = await client.post(`/api/jobs/${id}/${action}`, jobDetailSchema);
          if (flags.json) printJson(changed);
          else print(`job ${id} is ${changed.state}`);
        }),
      );
  }
}
