/**
 * Property-based fuzzing of every route in the OpenAPI document (PGlite and PostgreSQL; 5,000 requests each
 * by default, WH_FUZZ_RUNS to change): wrong types, NUL bytes, lone surrogates, huge and negative numbers,
 * deep nesting, oversized and malformed bodies, odd ids and headers, with every kind of token. Never a 5xx;
 * every error in the documented shape; and a refused request changes nothing (the events and every
 * table's row count read back the same). The figures are printed.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';
import { TEST_DB_KIND } from '../support/database.ts';
import { writeFigures } from '../support/figures.ts';
import { type FuzzRequest, operationsOf, requestFor } from '../support/fuzz.ts';

const RUNS = Number(process.env.WH_FUZZ_RUNS ?? 5000);
const TABLES = [
  'projects',
  'runs',
  'tasks',
  'jobs',
  'findings',
  'role_configs',
  'bug_reports',
  'api_tokens',
  'approvals',
  'events',
  'task_dependencies',
  'run_phase_changes',
];
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  const projectId = await newProject(api, 'fuzz');
  const runId = await newRun(api, projectId, 'fuzz');
  for (const title of ['first', 'second'])
    await api.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: api.auth(),
      payload: { run_id: runId, title },
    });
});

afterAll(() => api?.close());

async function counts(): Promise<string> {
  const select = TABLES.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ');
  const result = await api.database.db.execute(sql.raw(`select ${select}`));
  return JSON.stringify(result.rows[0]);
}

const SHAPE = /^WH_[A-Z0-9_]+$/;

function isErrorShape(body: unknown): boolean {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return (
    Object.keys(body as object).length === 1 &&
    error !== undefined &&
    typeof error.code === 'string' &&
    SHAPE.test(error.code) &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    typeof error.details === 'object' &&
    error.details !== null
  );
}

describe('fuzzing every route', () => {
  it(`answers ${RUNS} generated requests with no 5xx, the error shape, and no change when refused`, {
    timeout: 900_000,
  }, async () => {
    const operations = operationsOf(api.app.swagger());
    expect(operations.length).toBeGreaterThan(40);
    const context = {
      ids: [1, 2, 3, 999_999, 2_147_483_647],
      tokens: [
        api.tokens.admin,
        api.tokens.viewer,
        api.tokens.operator,
        api.tokens.approver,
        api.tokens.worker,
      ],
    };
    const request = fc.oneof(...operations.map((operation) => requestFor(operation, context)));
    const statuses = new Map<number, number>();
    const routes = new Set<string>();
    let refused = 0;
    const failures: string[] = [];

    await fc.assert(
      fc.asyncProperty(request, async (req: FuzzRequest) => {
        const before = await counts();
        const response = await api.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: req.headers,
          ...(req.payload === undefined ? {} : { payload: req.payload }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        // The fuzzer's own tokens stay usable (DELETE /api/tokens/{id} may have revoked one, legitimately).
        await api.database.db.execute(sql`update api_tokens set revoked_at = null where name like '%-token'`);
        routes.add(req.route);
        const describe = `${req.method} ${req.url.slice(0, 200)} -> ${response.statusCode} ${response.body.slice(0, 300)}`;
        if (response.statusCode >= 500) failures.push(describe);
        expect(response.statusCode, describe).toBeLessThan(500);
        if (response.statusCode >= 400) {
          refused += 1;
          expect(isErrorShape(response.json()), describe).toBe(true);
          expect(await counts(), describe).toBe(before);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.WH_FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );

    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}: ${n}`);
    writeFigures(
      `fuzz-${TEST_DB_KIND}`,
      `fuzz (${TEST_DB_KIND}): ${RUNS} requests over ${routes.size} of ${operations.length} operations; ${refused} refused, every one in the error shape and changing nothing; 5xx: ${failures.length}\nfuzz (${TEST_DB_KIND}): statuses ${histogram.join(', ')}`,
    );
    expect(routes.size).toBe(operations.length);
  });
});
