/**
 * Saving a role prompt through the API: kept exactly as written (its last newline too, so a diff between
 * versions shows no false removed line), refused with a 400 that names each placeholder a role's prompt
 * lost or misspelt, and refused when blank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function save(role: string, prompt: string) {
  const response = await api.app.inject({
    method: 'POST',
    url: `/api/role-configs/${role}`,
    headers: api.auth(),
    payload: { prompt },
  });
  return { status: response.statusCode, json: response.json() };
}

describe('saving a role prompt', () => {
  it('keeps it exactly as written, its last newline included', async () => {
    const prompt = '# QA\n\nTest **{{task.title}}**.\n\n{{task.description}}\n';
    const saved = await save('qa', prompt);
    expect(saved.status).toBe(201);
    expect(saved.json.prompt).toBe(prompt);
    const versions = await api.app.inject({ url: '/api/role-configs/qa', headers: api.auth() });
    expect(versions.json().items[0].prompt).toBe(prompt);
  });

  it('refuses a prompt that lost the placeholders carrying the goal or the task, naming each', async () => {
    const missing = [
      "the dev prompt must contain {{task.description}}: without it the agent never sees its task's description",
      'the dev prompt must contain {{findings}}: without it the agent never sees the findings that sent the task back',
    ];
    expect(await save('dev', 'Build {{task.title}}.\n')).toEqual({
      status: 400,
      json: {
        error: {
          code: 'WH_VALIDATION_FAILED',
          message: missing.map((problem) => `body.prompt: ${problem}`).join('; '),
          details: { issues: missing.map((message) => ({ field: 'body.prompt', message })) },
        },
      },
    });
    const pm = await save('pm', 'Plan the work into tasks.\n');
    expect(pm.status).toBe(400);
    expect(pm.json.error.details.issues).toEqual([
      {
        field: 'body.prompt',
        message: "the pm prompt must contain {{goal}}: without it the agent never sees the run's goal",
      },
    ]);
  });

  it('refuses a misspelt placeholder and a blank prompt', async () => {
    const typo = await save('docs', 'Document {{task.title}}: {{task.descripton}}\n{{task.description}}\n');
    expect(typo.status).toBe(400);
    expect(typo.json.error.message).toMatch(/^body\.prompt: \{\{task\.descripton\}\} is not a placeholder; /);
    const blank = await save('director', ' \n\n');
    expect(blank.status).toBe(400);
    expect(blank.json.error.details.issues).toEqual([
      { field: 'body.prompt', message: 'a prompt cannot be empty' },
    ]);
  });
});
