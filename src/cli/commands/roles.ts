/** `wh role list|show|edit`: the role prompts the agents work from (kept in the database, versioned). */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { UserError } from '../../errors/user-error.ts';
import { apiAction } from '../api-action.ts';
import { formatFields, print, printJson, printList } from '../output.ts';
import { parseId } from '../run-command.ts';

interface ScopeFlags {
  project?: number;
  json?: boolean;
}

export function registerRoleCommands(program: Command): void {
  const role = program.command('role').description('role prompts (pm, dev, qa, sec, docs, director, cicd)');

  role
    .command('list')
    .description('the active version of every role')
    .option('--project <project>', "a project's own prompts (with the global ones it uses)", parseId)
    .option('--json', 'print the API answer as JSON')
    .action((flags: ScopeFlags, command: Command) =>
      apiAction(command, async (client) => {
        const { roleConfigListSchema } = await import('../../contracts/role-configs.ts');
        const list = await client.get('/api/role-configs', roleConfigListSchema, {
          project_id: flags.project,
        });
        printList(
          list.items,
          [
            { header: 'role', value: (r) => r.role },
            { header: 'version', value: (r) => r.version },
            { header: 'scope', value: (r) => (r.project_id === null ? 'global' : `project ${r.project_id}`) },
            { header: 'by', value: (r) => r.created_by },
            { header: 'prompt', value: (r) => r.prompt, max: 60 },
          ],
          { json: flags.json, raw: list, noun: 'roles' },
        );
      }),
    );

  role
    .command('show')
    .description("a role's active prompt (--versions: every version, newest first)")
    .argument('<role>', 'role name')
    .option('--project <project>', "the project's own prompt", parseId)
    .option('--versions', 'list every version instead')
    .option('--json', 'print the API answer as JSON')
    .action((name: string, flags: ScopeFlags & { versions?: boolean }, command: Command) =>
      apiAction(command, async (client) => {
        const { roleConfigListSchema } = await import('../../contracts/role-configs.ts');
        const list = await client.get(`/api/role-configs/${encodeURIComponent(name)}`, roleConfigListSchema, {
          project_id: flags.project,
        });
        if (flags.json) return printJson(list);
        if (flags.versions)
          return printList(
            list.items,
            [
              { header: 'version', value: (r) => r.version },
              { header: 'active', value: (r) => (r.active ? 'yes' : '') },
              { header: 'by', value: (r) => r.created_by },
              { header: 'saved', value: (r) => r.created_at },
            ],
            { noun: 'versions' },
          );
        const active = list.items.find((version) => version.active);
        if (!active)
          throw new UserError(`role ${name} has no active prompt${flags.project ? ' in that project' : ''}`);
        print(
          `${formatFields([
            ['role', `${active.role} version ${active.version}`],
            ['scope', active.project_id === null ? 'global' : `project ${active.project_id}`],
            ['settings', JSON.stringify(active.settings)],
          ])}\n\n${active.prompt}`,
        );
      }),
    );

  role
    .command('edit')
    .description(
      'save a new version of a role prompt from a file (or - for standard input) and make it active',
    )
    .argument('<role>', 'role name')
    .requiredOption('--file <path>', 'the new prompt (- reads standard input)')
    .option('--project <project>', "save it as this project's own prompt", parseId)
    .option('--json', 'print the API answer as JSON')
    .action((name: string, flags: ScopeFlags & { file: string }, command: Command) =>
      apiAction(command, async (client) => {
        const prompt = flags.file === '-' ? await text(process.stdin) : await readPrompt(flags.file);
        const { roleConfigSchema } = await import('../../contracts/role-configs.ts');
        const saved = await client.post(`/api/role-configs/${encodeURIComponent(name)}`, roleConfigSchema, {
          prompt,
          project_id: flags.project,
        });
        if (flags.json) printJson(saved);
        else print(`saved ${saved.role} version ${saved.version} (active)`);
      }),
    );
}

async function readPrompt(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new UserError(`cannot read ${file}`);
  }
}
