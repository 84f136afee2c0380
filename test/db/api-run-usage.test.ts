/**
 * What a run's agents used, in GET /api/runs/{id} and GET /api/runs: every attempt an agent ran counts
 * (failed ones too), costs are summed as reported, and attempts that reported no cost are counted apart so
 * that an unknown cost never reads as zero. Jobs no agent ran (no backend) do not count, but for wall time,
 * which is what the run's wall-time limit counts: the elapsed time of every job a worker ran.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema.ts';
import { enqueueJob } from '../../src/services/jobs.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { type Completion, completeJob, failJob } from '../../src/services/queue/finish-job.ts';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let projectId: number;

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url, headers: api.auth('viewer') });
  expect(response.statusCode).toBe(200);
  return response.json<Record<string, unknown>>();
}

const usageRun = () => newRun(api, projectId, 'usage');

/** Runs one job of the run to an end: succeeded with `usage`, or failed with it when `fails`. */
async function attempt(runId: number, usage: Completion, fails = false): Promise<void> {
  const kind = `test.usage.${runId}`;
  await enqueueJob(api.ctx, { kind, runId });
  const job = await claimJob(api.database.db, { workerId: 'w-usage', kinds: [kind], leaseSeconds: 30 });
  const lease = { jobId: job!.id, leaseToken: job!.leaseToken! };
  const result = fails
    ? await failJob(api.database.db, lease, 'w-usage', { error: 'agent exited 1', permanent: true, ...usage })
    : await completeJob(api.database.db, lease, 'w-usage', usage);
  expect(result.accepted).toBe(true);
}

beforeAll(async () => {
  api = await startTestApi();
  projectId = await newProject(api, 'usage');
});

afterAll(async () => {
  await api?.close();
});

describe("a run's usage", () => {
  it('sums tokens and reported costs over every agent attempt, counting unpriced ones apart', async () => {
    const runId = await usageRun();
    await attempt(runId, { backend: 'claude', inputTokens: 1200, outputTokens: 300, costUsd: 0.0125 });
    await attempt(runId, { backend: 'claude', inputTokens: 800, outputTokens: 200, costUsd: 0.0075 }, true);
    await attempt(runId, { backend: 'codex', inputTokens: 500, outputTokens: 50 });
    await attempt(runId, { report: { ok: true } });
    // Each of the four jobs ran for 30 seconds.
    await api.database.db
      .update(jobs)
      .set({ startedAt: sql`${jobs.finishedAt} - interval '30 seconds'` })
      .where(eq(jobs.runId, runId));

    const expected = {
      agent_jobs: 3,
      input_tokens: 2500,
      output_tokens: 550,
      cost_usd: 0.02,
      unpriced_jobs: 1,
      wall_seconds: 120,
    };
    const run = await get(`/api/runs/${runId}`);
    expect(run.usage).toEqual(expected);
    const listed = (await get(`/api/runs?project_id=${projectId}`)).items as Array<Record<string, unknown>>;
    expect(listed.find((item) => item.id === runId)?.usage).toEqual(expected);
  });

  it('a run no agent has worked on has used nothing, at an unknown cost of none', async () => {
    const runId = await usageRun();
    expect((await get(`/api/runs/${runId}`)).usage).toMatchObject({ wall_seconds: 0 });
    await attempt(runId, {});
    expect((await get(`/api/runs/${runId}`)).usage).toEqual({
      agent_jobs: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: null,
      unpriced_jobs: 0,
      wall_seconds: expect.any(Number),
    });
  });
});
