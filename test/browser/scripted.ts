/**
 * What a browser test needs to let the scripted team work for real: a small repository, and a project's
 * settings that give every role the scripted backend with its recipe.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_PASS } from '../support/agents.ts';

const ROLES = ['pm', 'dev', 'qa', 'sec', 'docs'] as const;

/** A tiny Node project whose `npm test` passes, committed on main. */
export function makeRepository(repo: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(
    join(repo, 'package.json'),
    `${JSON.stringify({ name: 'demo', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } })}\n`,
  );
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  mkdirSync(join(repo, 'test'));
  writeFileSync(join(repo, 'test', 'smoke.test.js'), TEST_PASS("test('smoke', () => assert.ok(true));\n"));
  git('add', '.');
  git('commit', '-qm', 'initial');
}

/** Every role on the scripted backend, playing `recipe`; scripted agents need no model API, so no network. */
export function scriptedSettings(recipe: string) {
  return {
    roles: Object.fromEntries(ROLES.map((role) => [role, { backend: 'scripted' }])),
    scriptedRecipe: recipe,
    sandbox: { network: 'none' as const },
  };
}
