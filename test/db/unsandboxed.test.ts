/**
 * Where bubblewrap cannot run, agents do not start unconfined behind anyone's back (PGlite and
 * PostgreSQL): a project that has not accepted it fails its first job at once with what to do, and one
 * that has (sandbox.allowUnsandboxed) runs, its log saying plainly that the agent ran unconfined.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema.ts';
import { createRun } from '../../src/services/runs.ts';
import { UNSANDBOXED_REFUSAL } from '../../src/worker/confinement.ts';
import { type AgentWorld, runJobs, startAgentWorld, waitFor } from '../support/agents.ts';

const NO_BUBBLEWRAP = {
  available: false,
  bwrap: null,
  problem: 'bubblewrap (bwrap) is not installed',
  allowUnsandboxed: false,
};
const PLAN = [{ role: 'pm' as const, actions: [{ say: 'planning' }] }];
let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld({ sandbox: NO_BUBBLEWRAP });
});

afterAll(async () => {
  await world?.close();
});

async function planningJob(runId: number) {
  return waitFor('the planning job to finish', async () => {
    const [job] = await runJobs(world.database, runId);
    return job && ['failed', 'dead', 'succeeded'].includes(job.state) ? job : null;
  });
}

describe('agents without bubblewrap', () => {
  it('refuse to start in a project that has not accepted running unconfined', async () => {
    const projectId = await world.project('refused', PLAN);
    const { run } = await createRun(world.ctx, { projectId, goal: 'anything' });
    const job = await planningJob(run.id);
    expect(job).toMatchObject({ state: 'failed', attempt: 1, lastError: UNSANDBOXED_REFUSAL });
    expect(job.log).toBe('');
  });

  it('run, unconfined and saying so, in a project that accepted it', async () => {
    const projectId = await world.project('accepted', PLAN, { sandbox: { allowUnsandboxed: true } });
    const { run } = await createRun(world.ctx, { projectId, goal: 'anything' });
    const job = await planningJob(run.id);
    // The scripted PM wrote no plan, so planning fails; but the agent ran, and its log says how.
    expect(job.log).toContain('UNCONFINED: no sandbox, as accepted for this installation or project');
    expect(job.log).toContain('planning');
    const [row] = await world.database.db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(row!.lastError).toMatch(/^planning failed: tasks\.json/);
  });

  it('run in every project when the installation accepted it (WH_ALLOW_UNSANDBOXED=true)', async () => {
    const everywhere = await startAgentWorld({ sandbox: { ...NO_BUBBLEWRAP, allowUnsandboxed: true } });
    try {
      const projectId = await everywhere.project('installation', PLAN);
      const { run } = await createRun(everywhere.ctx, { projectId, goal: 'anything' });
      const job = await waitFor('the planning job to finish', async () => {
        const [row] = await runJobs(everywhere.database, run.id);
        return row && ['failed', 'dead', 'succeeded'].includes(row.state) ? row : null;
      });
      expect(job.log).toContain('UNCONFINED');
      expect(job.lastError).not.toBe(UNSANDBOXED_REFUSAL);
    } finally {
      await everywhere.close();
    }
  });
});
