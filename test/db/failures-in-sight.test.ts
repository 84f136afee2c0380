/**
 * Failures in sight, server side: a failed job is one line in the server's log (job, task, reason) and its
 * task's view carries it once no job is open; a job that ran to the end while its stage failed carries the
 * verdict and its reasons; configured backends that cannot start are warned about; `/api/status` lists the
 * agent CLIs installed, with their versions.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBackends } from '../../src/agents/backend-check.ts';
import { checkConfiguredAgents } from '../../src/server/agent-setup.ts';
import { createLogger } from '../../src/server/logger.ts';
import { getJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { completeJob } from '../../src/services/queue/finish-job.ts';
import { createTask } from '../../src/services/tasks.ts';
import { PermanentJobError } from '../../src/worker/handler.ts';
import { Worker } from '../../src/worker/worker.ts';
import { newRun, startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let projectId: number;
const repository = mkdtempSync(join(tmpdir(), 'wh-failures-repo-'));

/** A pino logger whose lines are kept, parsed, for the test to read. */
function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let tries = 0; tries < 400; tries += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never saw ${what}`);
}

async function taskView(taskId: number) {
  const response = await api.app.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: api.auth() });
  expect(response.statusCode).toBe(200);
  return response.json<Record<string, unknown>>();
}

beforeAll(async () => {
  api = await startTestApi();
  projectId = (await createProject(api.ctx, { name: 'failures', repository })).id;
});
afterAll(() => api?.close());

describe('failures in sight', { timeout: 30_000 }, () => {
  it("logs a failed job in one line with its task and reason, and the task's view shows it", async () => {
    const runId = await newRun(api, projectId, 'failing run');
    const queued = { ...api.ctx, settings: { autoTriggerAgents: true } };
    const { task, job } = await createTask(queued, { runId, title: 'needs goose' });
    const { logger, lines } = memoryLogger();
    const worker = new Worker({
      database: api.database,
      handlers: {
        stage: async () => {
          throw new PermanentJobError(
            'agent failed: bwrap: execvp goose: No such file or directory\nmore of its stderr',
          );
        },
      },
      concurrency: 1,
      logger,
    });
    await worker.start();
    try {
      await until('the job failed', async () => (await getJob(api.database.db, job!.id)).state === 'failed');
    } finally {
      await worker.stop(0);
    }
    expect(lines.filter((line) => line.msg.includes(`job ${job!.id} `)).map((line) => line.msg)).toEqual([
      `job ${job!.id} (task ${task.id}, dev) failed: agent failed: bwrap: execvp goose: No such file or directory`,
    ]);

    const view = await taskView(task.id);
    expect(view.current_job).toBeNull();
    expect(view.escalation_id).toBeNull();
    expect(view.last_finished_job).toMatchObject({
      id: job!.id,
      state: 'failed',
      last_error: 'agent failed: bwrap: execvp goose: No such file or directory\nmore of its stderr',
      verdict: null,
    });
  });

  it('a job that ran to the end with its stage failed carries the verdict and its reasons', async () => {
    const runId = await newRun(api, projectId, 'verdict run');
    const queued = { ...api.ctx, settings: { autoTriggerAgents: true } };
    const { task, job } = await createTask(queued, { runId, title: 'conflicts' });
    const claimed = await claimJob(api.database.db, {
      workerId: 'w-verdict',
      kinds: ['stage'],
      leaseSeconds: 30,
    });
    expect(claimed?.id).toBe(job!.id);
    const verdict = {
      pass: false,
      reasons: ['1 high or critical finding(s)'],
      findings: [{ severity: 'high', issue: 'merging t into r conflicts in a.ts', file: null, line: null }],
    };
    await completeJob(api.database.db, { jobId: job!.id, leaseToken: claimed!.leaseToken! }, 'w-verdict', {
      report: { verdict, gates: [] },
    });
    const expected = {
      state: 'succeeded',
      verdict: { pass: false, reasons: ['merging t into r conflicts in a.ts'] },
    };
    expect((await taskView(task.id)).last_finished_job).toMatchObject(expected);
    const one = await api.app.inject({ method: 'GET', url: `/api/jobs/${job!.id}`, headers: api.auth() });
    expect(one.json()).toMatchObject(expected);
    const listed = await api.app.inject({
      method: 'GET',
      url: `/api/jobs?run_id=${runId}&role=dev&kind=stage&state=succeeded`,
      headers: api.auth(),
    });
    expect(listed.json()).toMatchObject({ total: 1, items: [{ id: job!.id, ...expected }] });
    const none = await api.app.inject({
      method: 'GET',
      url: `/api/jobs?run_id=${runId}&backend=claude`,
      headers: api.auth(),
    });
    expect(none.json()).toMatchObject({ total: 0, items: [] });
  });

  it('warns at start about each configured backend that cannot start here', async () => {
    await createProject(api.ctx, {
      name: 'own-agent',
      repository,
      settings: { roles: { qa: { backend: 'claude', binary: '/nonexistent/claude' } } },
    });
    const { logger, lines } = memoryLogger();
    await checkConfiguredAgents(api.database.db, logger, { PATH: '/nonexistent', HOME: '/nonexistent' });
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^agent backend goose cannot start here, and jobs of role pm, role dev, .*role director.* will fail: goose is not installed here/,
    );
    expect(warnings[1]).toMatch(
      /^agent backend claude cannot start here, and jobs of project \d+ \(own-agent\) role qa will fail: \/nonexistent\/claude is not installed here/,
    );
  });

  it('finds the installed agent CLIs with their versions; /api/status lists them', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'wh-fake-bin-'));
    writeFileSync(join(bin, 'goose'), '#!/bin/sh\necho "goose 9.8.7"\necho second line\n');
    chmodSync(join(bin, 'goose'), 0o755);
    const found = await findBackends(bin);
    expect(found.find((backend) => backend.name === 'goose')).toEqual({
      name: 'goose',
      path: join(bin, 'goose'),
      version: 'goose 9.8.7',
    });
    expect(found.find((backend) => backend.name === 'claude')).toEqual({
      name: 'claude',
      path: null,
      version: null,
    });

    const status = await api.app.inject({ method: 'GET', url: '/api/status', headers: api.auth('viewer') });
    const backends = status.json<{ backends: { name: string }[] }>().backends;
    expect(backends.map((backend) => backend.name).sort()).toEqual([
      'claude',
      'codex',
      'gemini',
      'goose',
      'opencode',
    ]);
  });
});
