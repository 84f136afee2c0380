/**
 * Response contracts (PGlite and PostgreSQL): the OpenAPI document describes what each contracted route
 * answers with, every answer of a run's whole life through the API matches the document (checked with ajv,
 * a validator independent of the zod schemas the document is generated from), and an answer that would
 * break its contract is refused instead of sent.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

/** The tags whose every operation has a response contract; the others follow, a tag at a time. */
const CONTRACTED_TAGS = ['projects', 'runs'];

interface Operation {
  tags?: string[];
  responses?: Record<string, { content?: { 'application/json'?: { schema?: object } } }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

let api: TestApi;
let document: Document;
// ajv-formats is CommonJS: its plugin is the module's default export.
const addFormats = formats as unknown as typeof formats.default;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  api = await startTestApi();
  document = api.app.swagger() as unknown as Document;
});

afterAll(async () => {
  await api?.close();
});

/** The document's schema for an answer of `status` to `method path` (path in OpenAPI form). */
function validatorFor(method: string, path: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  const known = validators.get(key);
  if (known) return known;
  const schema = document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.[
    'application/json'
  ]?.schema;
  if (!schema) throw new Error(`the document has no ${status} response schema for ${method} ${path}`);
  const validate = ajv.compile(schema);
  validators.set(key, validate);
  return validate;
}

/** Calls the API and checks the answer against the document; returns the body. */
async function call<T>(method: string, url: string, path: string, status: number, payload?: object) {
  const response = await api.app.inject({ method: method as 'GET', url, headers: api.auth(), payload });
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<T>();
  const validate = validatorFor(method, path, status);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

describe('response contracts', () => {
  it('are in the OpenAPI document for every operation of the contracted routes', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const contracted = operations.filter(({ operation }) =>
      operation.tags?.some((tag) => CONTRACTED_TAGS.includes(tag)),
    );
    expect(contracted.length).toBeGreaterThanOrEqual(13);
    for (const { path, method, operation } of contracted) {
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
      expect(success.length, `${method} ${path}`).toBe(1);
      expect(success[0]![1].content?.['application/json']?.schema, `${method} ${path}`).toBeTypeOf('object');
    }
  });

  it("match every answer of a run's life, from a new project to a killed run", async () => {
    const project = await call<{ id: number }>('POST', '/api/projects', '/api/projects', 201, {
      name: 'contracts',
      repository: '/tmp/contracts',
      settings: {
        pipeline: ['dev', 'qa', { stage: 'smoke', command: 'make smoke' }],
        roles: { dev: { backend: 'command', timeoutSeconds: 60 } },
        passEnv: ['NPM_TOKEN'],
      },
    });
    const one = `/api/projects/${project.id}`;
    await call('GET', '/api/projects', '/api/projects', 200);
    await call('GET', one, '/api/projects/{id}', 200);
    await call('PATCH', one, '/api/projects/{id}', 200, { test_command: 'npm test' });

    const run = await call<{ id: number; job: unknown }>('POST', '/api/runs', '/api/runs', 201, {
      project_id: project.id,
      goal: 'hold to the contract',
    });
    expect(run.job).not.toBeNull();
    const skipped = await call<{ job: unknown }>('POST', '/api/runs', '/api/runs', 201, {
      project_id: project.id,
      goal: 'no planning',
      skip_planning: true,
    });
    expect(skipped.job).toBeNull();
    const path = (tail: string) => `/api/runs/{id}${tail}`;
    const url = (tail: string) => `/api/runs/${run.id}${tail}`;
    await call('GET', '/api/runs?include_killed=true', '/api/runs', 200);
    await call('GET', url(''), path(''), 200);
    await call('GET', url('/task-progress'), path('/task-progress'), 200);
    await call('GET', url('/phases'), path('/phases'), 200);
    await call('POST', url('/pause'), path('/pause'), 200);
    await call('POST', url('/resume'), path('/resume'), 200);
    await call('POST', url('/trigger-agent'), path('/trigger-agent'), 200, { role: 'pm' });
    await call('POST', url('/trigger-pipeline'), path('/trigger-pipeline'), 200, { max_iterations: 3 });
    const killed = await call<{ cancelled_job_ids: number[] }>('POST', url('/kill'), path('/kill'), 200);
    expect(killed.cancelled_job_ids.length).toBeGreaterThan(0);
  });

  it('refuses to send an answer that breaks its contract: a 500 in the error shape, not bad data', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: api.auth(),
      payload: { name: 'corrupted', repository: '/tmp/corrupted' },
    });
    const { id } = created.json<{ id: number }>();
    // What no route would write: a timeout the settings contract does not allow.
    await api.database.db.execute(
      sql`update projects set settings = '{"roles": {"dev": {"timeoutSeconds": -5}}}' where id = ${id}`,
    );
    const response = await api.app.inject({ url: `/api/projects/${id}`, headers: api.auth() });
    expect(response.statusCode).toBe(500);
    const { error } = response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('WH_INTERNAL');
    expect(response.body).not.toContain('-5');
  });
});
