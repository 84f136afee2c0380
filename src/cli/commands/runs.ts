/** `wh run start|list|show|kill|pause|resume|trigger|pipeline`. */
import type { Command } from 'commander';
import type { RunView } from '../../contracts/runs.ts';
import { budgetFromApi, describeLimits } from '../../domain/budget.ts';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import type { ApiClient } from '../api-client.ts';
import { ApiFailure } from '../api-failure.ts';
import { formatFields, print, printJson, printList, tokensAndCost } from '../output.ts';
import { parseId, parsePositiveInt } from '../run-command.ts';

export function describeRun(run: RunView): string {
  const stages = Object.entries(run.progress.by_stage)
    .map(([stage, count]) => `${stage} ${count}`)
    .join(', ');
  return formatFields([
    ['run', `${run.id} (project ${run.project_id})`],
    ['goal', run.goal],
    ['phase', `${run.phase}${run.paused ? ' (paused)' : ''}${run.killed_at ? ' (killed)' : ''}`],
    ['branch', run.branch],
    ['progress', `${run.progress.complete}/${run.progress.total} tasks complete (${run.progress.percent}%)`],
    ['stages', stages],
    ['usage', `${run.usage.agent_jobs} agent jobs, ${tokensAndCost(run.usage)}`],
    // Its own limits, raised at a budget approval; without them its project's apply.
    ['own budget', run.budget && describeLimits(budgetFromApi(run.budget))],
    ['released', run.released_commit],
    ['created', run.created_at],
  ]);
}

/** A project given by id or by its exact name. */
async function projectId(client: ApiClient, given: string): Promise<number> {
  if (/^\d+$/.test(given)) return parseId(given);
  const { projectListSchema } = await import('../../contracts/projects.ts');
  const { items } = await client.get('/api/projects', projectListSchema);
  const found = items.find((project) => project.name === given);
  if (!found)
    throw new ApiFailure('not_found', `no project named ${JSON.stringify(given)} (wh project list)`);
  return found.id;
}

async function showRun(client: ApiClient, id: number, json: boolean | undefined): Promise<void> {
  const { runViewSchema } = await import('../../contracts/runs.ts');
  const run = await client.get(`/api/runs/${id}`, runViewSchema);
  if (json) printJson(run);
  else print(describeRun(run));
}

export function registerRunCommands(program: Command): void {
  const run = program
    .command('run')
    .description('runs: a goal worked through the pipeline on its own branch');

  run
    .command('start')
    .description('start a run: the PM agent plans the goal into tasks')
    .argument('<project>', 'project id or name')
    .argument('<goal>', 'what the run should achieve')
    .option('--skip-planning', 'no PM planning: add the tasks yourself (wh task add)')
    .option('--json', 'print the API answer as JSON')
    .action(
      (project: string, goal: string, flags: { skipPlanning?: boolean; json?: boolean }, command: Command) =>
        apiAction(command, async (client) => {
          const { createdRunSchema } = await import('../../contracts/runs.ts');
          const created = await client.post('/api/runs', createdRunSchema, {
            project_id: await projectId(client, project),
            goal,
            skip_planning: flags.skipPlanning,
          });
          if (flags.json) return printJson(created);
          const job = created.job
            ? `; job ${created.job.id} (${created.job.role}) is ${created.job.state}`
            : '';
          print(`started run ${created.id}${job}\n${describeRun(created)}`);
        }),
    );

  listing(
    run
      .command('list')
      .description('runs, newest first')
      .option('--project <project>', 'only this project (id or name)')
      .option('--phase <phase>', 'only runs in this phase')
      .option('--all', 'include killed runs'),
  ).action((flags: ListOptions & { project?: string; phase?: string; all?: boolean }, command: Command) =>
    apiAction(command, async (client) => {
      const { runPageSchema } = await import('../../contracts/runs.ts');
      const page = await client.get('/api/runs', runPageSchema, {
        project_id: flags.project === undefined ? undefined : await projectId(client, flags.project),
        phase: flags.phase,
        include_killed: flags.all,
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (r) => r.id },
          { header: 'project', value: (r) => r.project_id },
          { header: 'phase', value: (r) => `${r.phase}${r.paused ? ' (paused)' : ''}` },
          { header: 'done', value: (r) => `${r.progress.complete}/${r.progress.total}` },
          { header: 'stage', value: (r) => r.stage },
          { header: 'goal', value: (r) => r.goal, max: 60 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'runs' },
      );
    }),
  );

  run
    .command('show')
    .description('one run: phase, progress per stage, usage')
    .argument('<run>', 'run id', parseId)
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { json?: boolean }, command: Command) =>
      apiAction(command, (client) => showRun(client, id, flags.json)),
    );

  run
    .command('kill')
    .description('stop a run for good: cancel its jobs (its branches stay)')
    .argument('<run>', 'run id', parseId)
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { killedRunSchema } = await import('../../contracts/runs.ts');
        const killed = await client.post(`/api/runs/${id}/kill`, killedRunSchema);
        if (flags.json) printJson(killed);
        else print(`killed run ${id}; cancelled jobs: ${killed.cancelled_job_ids.join(', ') || 'none'}`);
      }),
    );

  for (const [action, description] of [
    ['pause', 'hold the run: running agents finish, nothing new starts'],
    ['resume', 'let a paused run go on'],
  ] as const) {
    run
      .command(action)
      .description(description)
      .argument('<run>', 'run id', parseId)
      .option('--json', 'print the API answer as JSON')
      .action((id: number, flags: { json?: boolean }, command: Command) =>
        apiAction(command, async (client) => {
          const { runViewSchema } = await import('../../contracts/runs.ts');
          const changed = await client.post(`/api/runs/${id}/${action}`, runViewSchema);
          if (flags.json) printJson(changed);
          else print(`run ${id} ${changed.paused ? 'paused' : 'resumed'} (phase ${changed.phase})`);
        }),
      );
  }

  run
    .command('trigger')
    .description("release the run's held agent jobs (one role, or all)")
    .argument('<run>', 'run id', parseId)
    .option('--role <role>', 'only this role (pm, dev, qa, sec, docs, ...)')
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { role?: string; json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { triggeredAgentSchema } = await import('../../contracts/runs.ts');
        const result = await client.post(`/api/runs/${id}/trigger-agent`, triggeredAgentSchema, {
          role: flags.role,
        });
        if (flags.json) printJson(result);
        else print(`released jobs: ${result.released_job_ids.join(', ') || 'none were held'}`);
      }),
    );

  run
    .command('pipeline')
    .description('let the run advance on its own for a number of stage moves')
    .argument('<run>', 'run id', parseId)
    .option('--max-iterations <n>', 'stage moves it may make before it holds again', parsePositiveInt)
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { maxIterations?: number; json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { triggeredPipelineSchema } = await import('../../contracts/runs.ts');
        const result = await client.post(`/api/runs/${id}/trigger-pipeline`, triggeredPipelineSchema, {
          max_iterations: flags.maxIterations,
        });
        if (flags.json) printJson(result);
        else
          print(
            `run ${id} advances on its own for ${result.max_iterations} stage moves; released jobs: ${result.released_job_ids.join(', ') || 'none'}`,
          );
      }),
    );
}
