/** `wh project add|list|show|edit`. */
import { type Command, InvalidArgumentError } from 'commander';
import type { Project } from '../../contracts/projects.ts';
import { UserError } from '../../errors/user-error.ts';
import { apiAction } from '../api-action.ts';
import { formatFields, print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

interface ProjectFlags {
  name?: string;
  repository?: string;
  branch?: string;
  test?: string;
  lint?: string;
  build?: string;
  deploy?: string;
  settings?: Record<string, unknown>;
  json?: boolean;
}

function parseSettings(value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected a JSON object, e.g. \'{"roles":{"dev":{"backend":"claude"}}}\'');
}

function projectBody(flags: ProjectFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: flags.name,
    repository: flags.repository,
    default_branch: flags.branch,
    test_command: flags.test,
    lint_command: flags.lint,
    build_command: flags.build,
    deploy_command: flags.deploy,
    settings: flags.settings,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function withProjectOptions(command: Command): Command {
  return command
    .option('--branch <name>', 'the default branch runs start from and release to')
    .option('--test <command>', 'the project test command (the evidence QA and the run test rely on)')
    .option('--lint <command>', 'the lint command')
    .option('--build <command>', 'the build command')
    .option('--deploy <command>', 'the deploy command run after a person approves')
    .option(
      '--settings <json>',
      'project settings as JSON (per-role backends, budgets, release...)',
      parseSettings,
    )
    .option('--json', 'print the API answer as JSON');
}

export function describeProject(project: Project): string {
  return formatFields([
    ['project', `${project.id} ${project.name}`],
    ['repository', project.repository],
    ['default branch', project.default_branch],
    ['test command', project.test_command],
    ['lint command', project.lint_command],
    ['build command', project.build_command],
    ['deploy command', project.deploy_command],
    ['settings', JSON.stringify(project.settings)],
  ]);
}

export function registerProjectCommands(program: Command): void {
  const project = program
    .command('project')
    .description('projects: a repository and how to test and deploy it');

  withProjectOptions(
    project
      .command('add')
      .description('register a repository (a local path or a git URL)')
      .argument('<name>', 'a name for the project')
      .argument('<repository>', 'a local git repository path or a git URL'),
  ).action((name: string, repository: string, flags: ProjectFlags, command: Command) =>
    apiAction(command, async (client) => {
      const { projectSchema } = await import('../../contracts/projects.ts');
      const created = await client.post(
        '/api/projects',
        projectSchema,
        projectBody({ ...flags, name, repository }),
      );
      if (flags.json) printJson(created);
      else print(`created project ${created.id}\n${describeProject(created)}`);
    }),
  );

  project
    .command('list')
    .description('every project')
    .option('--json', 'print the API answer as JSON')
    .action((flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { projectListSchema } = await import('../../contracts/projects.ts');
        const list = await client.get('/api/projects', projectListSchema);
        printList(
          list.items,
          [
            { header: 'id', value: (p) => p.id },
            { header: 'name', value: (p) => p.name, max: 30 },
            { header: 'branch', value: (p) => p.default_branch },
            { header: 'test', value: (p) => p.test_command, max: 30 },
            { header: 'repository', value: (p) => p.repository },
          ],
          { json: flags.json, raw: list, noun: 'projects' },
        );
      }),
    );

  project
    .command('show')
    .description('one project and its settings')
    .argument('<project>', 'project id', parseId)
    .option('--json', 'print the API answer as JSON')
    .action((id: number, flags: { json?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { projectSchema } = await import('../../contracts/projects.ts');
        const found = await client.get(`/api/projects/${id}`, projectSchema);
        if (flags.json) printJson(found);
        else print(describeProject(found));
      }),
    );

  withProjectOptions(
    project
      .command('edit')
      .description('change a project (only the options given)')
      .argument('<project>', 'project id', parseId)
      .option('--name <name>', 'a new name')
      .option('--repository <path-or-url>', 'a new repository'),
  ).action((id: number, flags: ProjectFlags, command: Command) =>
    apiAction(command, async (client) => {
      const body = projectBody(flags);
      if (Object.keys(body).length === 0)
        throw new UserError('nothing to change: give at least one option (see wh project edit --help)');
      const { projectSchema } = await import('../../contracts/projects.ts');
      const updated = await client.patch(`/api/projects/${id}`, projectSchema, body);
      if (flags.json) printJson(updated);
      else print(`updated project ${updated.id}\n${describeProject(updated)}`);
    }),
  );
}
