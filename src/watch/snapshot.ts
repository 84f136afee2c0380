/** What the terminal view shows, read from the API in one go: the runs overview, or one run's board. */
import type { ApiClient } from '../cli/api-client.ts';
import { approvalPageSchema } from '../contracts/approvals.ts';
import { jobDetailSchema, jobPageSchema } from '../contracts/jobs.ts';
import { type RunView, runPageSchema, runViewSchema } from '../contracts/runs.ts';
import { type Status, statusSchema } from '../contracts/system.ts';
import { type TaskView, taskPageSchema } from '../contracts/tasks.ts';

export interface Overview {
  runs: RunView[];
  status: Status;
  pendingApprovals: number;
}

export interface RunningAgent {
  jobId: number;
  taskId: number | null;
  role: string;
  backend: string | null;
  /** The last lines of its log. */
  tail: string[];
}

export interface RunBoard {
  run: RunView;
  /** Stage names in the run's pipeline order (the columns). */
  stages: string[];
  tasks: TaskView[];
  agents: RunningAgent[];
  pendingApprovals: number;
}

const TAIL_LINES = 3;

export function lastLines(log: string, count: number): string[] {
  return log
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(-count);
}

export async function loadOverview(client: ApiClient): Promise<Overview> {
  const [runs, status, approvals] = await Promise.all([
    client.get('/api/runs', runPageSchema, { limit: 20 }),
    client.request('GET', '/api/status', statusSchema, { answersWith: [503] }),
    client.get('/api/approvals', approvalPageSchema, { state: 'pending', limit: 1 }),
  ]);
  return { runs: runs.items, status, pendingApprovals: approvals.total };
}

export async function loadRunBoard(client: ApiClient, runId: number): Promise<RunBoard> {
  const [run, tasks, running, approvals] = await Promise.all([
    client.get(`/api/runs/${runId}`, runViewSchema),
    client.get('/api/tasks', taskPageSchema, { run_id: runId, limit: 500 }),
    client.get('/api/jobs', jobPageSchema, { run_id: runId, state: 'running', limit: 20 }),
    client.get('/api/approvals', approvalPageSchema, { run_id: runId, state: 'pending', limit: 1 }),
  ]);
  const agents = await Promise.all(
    running.items.map(async (job) => {
      const detail = await client.get(`/api/jobs/${job.id}`, jobDetailSchema);
      return {
        jobId: job.id,
        taskId: job.task_id,
        role: job.role,
        backend: job.backend,
        tail: lastLines(detail.log, TAIL_LINES),
      };
    }),
  );
  return {
    run,
    // `none` holds tasks taken off the pipeline (blocked): a column only when there are some.
    stages: Object.entries(run.progress.by_stage)
      .filter(([stage, count]) => stage !== 'none' || count > 0)
      .map(([stage]) => stage),
    tasks: tasks.items,
    agents,
    pendingApprovals: approvals.total,
  };
}
