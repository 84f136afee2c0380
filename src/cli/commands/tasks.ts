/** `wh task list|show|add|advance|set-stage`. */
import { type Command, InvalidArgumentError } from 'commander';
import type { StageChange, TaskView } from '../../contracts/tasks.ts';
import { budgetFromApi, describeLimits } from '../../domain/budget.ts';
import { apiAction, type ListOptions, listing } from '../api-action.ts';
import { formatFields, print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

function parsePriority(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10)
    throw new InvalidArgumentError('expected a priority from 1 to 10');
  return parsed;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function jobLine(task: TaskView): string | null {
  const job = task.current_job;
  return job ? `${job.id} ${job.role} ${job.state}${job.backend ? ` (${job.backend})` : ''}` : null;
}

export function describeTask(task: TaskView): string {
  const fields = formatFields([
    ['task', `${task.id} (run ${task.run_id}, priority ${task.priority}, version ${task.version})`],
    ['title', task.title],
    ['stage', `${task.pipeline_stage}${task.loop_backs ? `, sent back ${task.loop_backs}x` : ''}`],
    ['job', jobLine(task)],
    ['depends on', task.depends_on.join(', ')],
    ['blocked by', task.blocked_by.join(', ')],
    ['files', task.files.join(', ')],
    ['source', task.source],
    // Its own limits, raised at a budget approval; without them its project's task limits apply.
    ['own budget', task.budget && describeLimits(budgetFromApi(task.budget))],
  ]);
  const sections = [fields];
  if (task.description) sections.push(`\n${task.description}`);
  if (task.acceptance.length)
    sections.push(`\nAcceptance:\n${task.acceptance.map((a) => `  - ${a}`).join('\n')}`);
  if (task.notes) sections.push(`\nNotes:\n${task.notes}`);
  return sections.join('\n');
}

function describeChange(change: StageChange): string {
  const loop = change.loop_back ? ' (sent back)' : '';
  const job = change.job ? `; job ${change.job.id} (${change.job.role}) ${change.job.state}` : '';
  const released = change.released_task_ids.length
    ? `; released tasks ${change.released_task_ids.join(', ')}`
    : '';
  return `task ${change.task.id}: ${change.from} -> ${change.to}${loop}${job}${released}; run is ${change.run_phase}`;
}

export function registerTaskCommands(program: Command): void {
  const task = program
    .command('task')
    .description("tasks: one piece of a run's work moving through the stages");

  listing(
    task
      .command('list')
      .description('tasks, by priority')
      .option('--run <run>', 'only this run', parseId)
      .option('--stage <stage>', 'only tasks in this stage'),
  ).action((flags: ListOptions & { run?: number; stage?: string }, command: Command) =>
    apiAction(command, async (client) => {
      const { taskPageSchema } = await import('../../contracts/tasks.ts');
      const page = await client.get('/api/tasks', taskPageSchema, {
        run_id: flags.run,
        stage: flags.stage,
        limit: flags.limit,
        offset: flags.offset,
      });
      printList(
        page.items,
        [
          { header: 'id', value: (t) => t.id },
          { header: 'run', value: (t) => t.run_id },
          { header: 'stage', value: (t) => t.pipeline_stage },
          { header: 'prio', value: (t) => t.priority },
          {
            header: 'job',
            value: (t) => (t.current_job ? `${t.current_job.role} ${t.current_job.state}` : null),
          },
          { header: 'title', value: (t) => t.title, max: 60 },
        ],
        { json: flags.json, raw: page, total: page.total, noun: 'tasks' },
      );
    }),
  );

  task
    .command('show')
    .description('one task: stage, job, dependencies, acceptance, notes')
    .argument('<task>', 'task id', parseId)
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { taskViewSchema } = await import('../../contracts/tasks.ts');
        const found = await client.get(`/api/tasks/${id}`, taskViewSchema);
        if (flags.json) printJson(found);
        else print(describeTask(found));
      }),
    );

  task
    .command('diff')
    .description("what the task's branch changed against its run branch, as a unified diff")
    .argument('<task>', 'task id', parseId)
    .option('--stat', 'only the summary and the files changed')
    .option('--json', 'print the API answer as JSON (files, hunks, commits)')
    .action((id: number, flags: { stat?: boolean; json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const [{ taskDiffSchema }, { diffSummary, unifiedDiff }] = await Promise.all([
          import('../../contracts/reviews.ts'),
          import('../diff-text.ts'),
        ]);
        const diff = await client.get(`/api/tasks/${id}/diff`, taskDiffSchema);
        if (flags.json) return printJson(diff);
        const files = diff.files.map((file) => ` ${file.path} | +${file.additions} -${file.deletions}`);
        print(
          [diffSummary(diff), ...(flags.stat ? files : diff.files.length ? [unifiedDiff(diff)] : [])].join(
            '\n',
          ),
        );
      }),
    );

  task
    .command('note')
    .description("leave a note for the task's next agent: it goes into that agent's prompt once")
    .argument('<task>', 'task id', parseId)
    .argument('<text>', 'the instruction')
    .option('--json', 'print the API answer as JSON')
    .action((id: number, text: string, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { taskNoteSchema } = await import('../../contracts/task-notes.ts');
        const note = await client.post(`/api/tasks/${id}/notes`, taskNoteSchema, { body: text });
        if (flags.json) printJson(note);
        else print(`note ${note.id} left on task ${id}: its next agent gets it`);
      }),
    );

  task
    .command('add')
    .description('add a task to a run')
    .argument('<run>', 'run id', parseId)
    .argument('<title>', 'what the task is')
    .option('--description <text>', 'more detail for the agents')
    .option('--priority <n>', '1 (first) to 10', parsePriority)
    .option('--acceptance <item>', 'an acceptance criterion (repeat for more)', collect)
    .option(
      '--depends-on <task>',
      'a task it waits for (repeat for more)',
      (value, previous: number[] = []) => [...previous, parseId(value)],
    )
    .option('--json', 'print the API answer as JSON')
    .action(
      (
        run: number,
        title: string,
        flags: {
          description?: string;
          priority?: number;
          acceptance?: string[];
          dependsOn?: number[];
          json?: boolean;
        },
        command: Command,
      ) =>
        apiAction(command, async (client) => {
          const { createdTaskSchema } = await import('../../contracts/tasks.ts');
          const created = await client.post('/api/tasks', createdTaskSchema, {
            run_id: run,
            title,
            description: flags.description,
            priority: flags.priority,
            acceptance: flags.acceptance,
            depends_on: flags.dependsOn,
          });
          if (flags.json) printJson(created);
          else print(`added task ${created.id} at ${created.pipeline_stage}`);
        }),
    );

  task
    .command('advance')
    .description("pass or fail the task's current stage by hand (fail sends it back to dev)")
    .argument('<task>', 'task id', parseId)
    .argument('<result>', 'pass or fail', (value: string) => {
      if (value !== 'pass' && value !== 'fail') throw new InvalidArgumentError('expected pass or fail');
      return value;
    })
    .option('--notes <text>', "why (a failure's notes reach the next dev prompt)")
    .option('--json', 'print the API answer as JSON')
    .action((id: number, result: string, flags: { notes?: string; json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { stageChangeSchema } = await import('../../contracts/tasks.ts');
        const change = await client.post(`/api/tasks/${id}/advance-stage`, stageChangeSchema, {
          result,
          notes: flags.notes,
        });
        if (flags.json) printJson(change);
        else print(describeChange(change));
      }),
    );

  task
    .command('set-stage')
    .description('move the task to a stage by hand')
    .argument('<task>', 'task id', parseId)
    .argument('<stage>', 'a stage of its run (none, dev, qa, sec, docs, complete, ...)')
    .option('--json', 'print the API answer as JSON')
    .action((id: number, stage: string, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { stageChangeSchema } = await import('../../contracts/tasks.ts');
        const change = await client.post(`/api/tasks/${id}/set-stage`, stageChangeSchema, { stage });
        if (flags.json) printJson(change);
        else print(describeChange(change));
      }),
    );
}
