/**
 * What `wh demo` works on: a copy of examples/crud-service as a fresh git repository, and the scripted
 * team's recipe from examples/crud-service-recipe with each `{ write: { file } }` filled in from its files/
 * (the recipe keeps real, lintable source files; the scripted agent takes contents).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from '../worker/git.ts';

/** examples/ beside src/ (and beside dist/ in a build: the same depth). */
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const SAMPLE = join(EXAMPLES, 'crud-service');
const RECIPE = join(EXAMPLES, 'crud-service-recipe');

/** Who the sample's first commit is by: a fresh machine may have no git identity at all. */
const DEMO_IDENTITY = ['-c', 'user.name=Workhorse demo', '-c', 'user.email=demo@workhorse.invalid'];

/** Copies the sample into `root`/crud-service and commits it on main; returns the repository's path. */
export async function makeSampleRepository(root: string): Promise<string> {
  const repo = join(root, 'crud-service');
  cpSync(SAMPLE, repo, { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  await git(root, ['init', '-q', '-b', 'main', repo]);
  await git(repo, ['add', '-A']);
  await git(repo, [...DEMO_IDENTITY, 'commit', '-q', '-m', 'crud-service: items over HTTP, with tests']);
  return repo;
}

interface RecipeAction {
  write?: { path: string; file?: string; content?: string };
}

/** Writes the playable recipe to `root`/recipe.json; returns its path. */
export function writeDemoRecipe(root: string): string {
  const recipe = JSON.parse(readFileSync(join(RECIPE, 'recipe.json'), 'utf8')) as {
    steps: { actions: RecipeAction[] }[];
  };
  for (const step of recipe.steps)
    for (const action of step.actions) {
      const write = action.write;
      if (write?.file) {
        write.content = readFileSync(join(RECIPE, 'files', write.file), 'utf8');
        delete write.file;
      }
    }
  const path = join(root, 'recipe.json');
  writeFileSync(path, JSON.stringify({ steps: recipe.steps }, null, 2));
  return path;
}
