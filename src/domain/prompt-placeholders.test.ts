import { describe, expect, it } from 'vitest';
import { loadDefaultRoleConfigs } from '../db/seed/default-roles.ts';
import { placeholderProblems } from './prompt-placeholders.ts';

describe('prompt placeholders', () => {
  it('accepts every default prompt as shipped', () => {
    for (const config of loadDefaultRoleConfigs())
      expect(placeholderProblems(config.role, config.prompt)).toEqual([]);
  });

  it("refuses a PM prompt without the run's goal, and a stage prompt without its task", () => {
    expect(placeholderProblems('pm', 'Plan the work.')).toEqual([
      "the pm prompt must contain {{goal}}: without it the agent never sees the run's goal",
    ]);
    expect(placeholderProblems('qa', 'Test {{task.title}}.')).toEqual([
      "the qa prompt must contain {{task.description}}: without it the agent never sees its task's description",
    ]);
    expect(placeholderProblems('dev', '{{task.title}} {{ task.description }}')).toEqual([
      'the dev prompt must contain {{findings}}: without it the agent never sees the findings that sent the task back',
    ]);
  });

  it('names a misspelt placeholder, but leaves other braces alone', () => {
    expect(placeholderProblems('cicd', 'Deploy {{project.test_comand}}.')).toEqual([
      expect.stringMatching(
        /^\{\{project\.test_comand\}\} is not a placeholder; the placeholders are \{\{goal\}\}, /,
      ),
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CI workflow's expression, quoted as text
    expect(placeholderProblems('cicd', 'The workflow reads ${{ secrets.DEPLOY_TOKEN }}.')).toEqual([]);
    expect(placeholderProblems('director', 'No placeholders needed.')).toEqual([]);
  });
});
