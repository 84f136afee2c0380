/**
 * `wh demo`'s work over the REST API (any server: the temporary one it starts, or --url): register the
 * sample with every role on the scripted backend, start a run and let its pipeline advance on its own, say
 * what happens as the events arrive, stop at the deploy approval (approve it with --yes, else wait for a
 * person), and end at `deployed` with a summary.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from '../cli/api-client.ts';
import { ApiFailure } from '../cli/api-failure.ts';
import { approvalPageSchema, approvalSchema } from '../contracts/approvals.ts';
import { eventPageSchema, type WhEvent } from '../contracts/events.ts';
import { findingPageSchema } from '../contracts/findings.ts';
import { projectSchema } from '../contracts/projects.ts';
import { createdRunSchema, runViewSchema, triggeredPipelineSchema } from '../contracts/runs.ts';
import { statusSchema } from '../contracts/system.ts';
import { taskPageSchema } from '../contracts/tasks.ts';
import { isTerminalPhase, type RunPhase } from '../domain/run-phases.ts';
import { progressLine } from './progress.ts';
import { type DemoSummary, summarize } from './summary.ts';

const ROLES = ['pm', 'dev', 'qa', 'sec', 'docs', 'cicd'];
export const DEMO_GOAL = 'Let people search the items by name';
/** Stage moves the run may make on its own: the recipe needs about twenty. */
const PIPELINE_MOVES = 200;
const POLL_MS = 250;

export interface DemoPlan {
  repository: string;
  recipe: string;
  /** Where the deploy copies the service. */
  deployDir: string;
  /** Approve the deploy without asking. */
  yes: boolean;
  /** How long the whole run may take before the demo gives up. */
  timeoutSeconds: number;
  say(line: string): void;
  /** What a person runs to approve (the connection it needs included). */
  approveCommand(approvalId: number): string;
}

export interface DemoResult {
  runId: number;
  summary: DemoSummary;
  releasedCommit: string | null;
}

/** A path as one single-quoted shell word. */
const shellWord = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** The deploy: copy the service (its code, manifest and README) to the deploy folder. */
export function deployCommand(deployDir: string): string {
  return `cp -R package.json README.md src ${shellWord(deployDir)}/`;
}

export async function runDemo(client: ApiClient, plan: DemoPlan): Promise<DemoResult> {
  const started = Date.now();
  const deadline = started + plan.timeoutSeconds * 1000;
  const status = await client.request('GET', '/api/status', statusSchema, { answersWith: [503] });
  const unconfined = !status.sandbox.available;
  if (unconfined)
    plan.say(
      `bubblewrap cannot confine agents here (${status.sandbox.problem}): the demo project lets its scripted agents run unconfined; they only play the recipe`,
    );
  const project = await client.post('/api/projects', projectSchema, {
    name: `crud-service-demo-${started}`,
    repository: plan.repository,
    // The sample's `npm test` without npm's own start-up, which every gate would pay again.
    test_command: 'node --test',
    deploy_command: deployCommand(plan.deployDir),
    settings: {
      roles: Object.fromEntries(ROLES.map((role) => [role, { backend: 'scripted' }])),
      scriptedRecipe: plan.recipe,
      // Scripted agents need no model API: no network at all.
      sandbox: { network: 'none', ...(unconfined ? { allowUnsandboxed: true } : {}) },
      release: { deployDir: plan.deployDir },
    },
  });
  plan.say(`project ${project.id} "${project.name}": ${plan.repository}`);
  const run = await client.post('/api/runs', createdRunSchema, { project_id: project.id, goal: DEMO_GOAL });
  plan.say(`run ${run.id} started: "${DEMO_GOAL}"`);
  await client.post(`/api/runs/${run.id}/trigger-pipeline`, triggeredPipelineSchema, {
    max_iterations: PIPELINE_MOVES,
  });

  const events = new EventFollower(client, run.id, plan.say);
  const phaseNow = async () => (await client.get(`/api/runs/${run.id}`, runViewSchema)).phase;
  /** `refusedIn`: a phase that means the wait is over without it (a rejected deploy is ready_for_commit). */
  const waitForPhase = async (wanted: RunPhase, refusedIn?: RunPhase) => {
    for (;;) {
      await events.catchUp();
      const phase = await phaseNow();
      if (phase === wanted) return;
      if (phase === refusedIn)
        throw new ApiFailure('demo_rejected', `run ${run.id} was not approved: it is ${phase} again`);
      if (isTerminalPhase(phase)) throw new ApiFailure('demo_failed', `run ${run.id} ended ${phase}`);
      if (Date.now() > deadline)
        throw new ApiFailure(
          'demo_timeout',
          `run ${run.id} is still ${phase} after ${plan.timeoutSeconds} s`,
        );
      await sleep(POLL_MS);
    }
  };

  await waitForPhase('awaiting_approval');
  const { items } = await client.get('/api/approvals', approvalPageSchema, {
    run_id: run.id,
    state: 'pending',
  });
  const approval = items.find((item) => item.kind === 'deploy');
  if (!approval) throw new ApiFailure('demo_failed', `run ${run.id} awaits approval, but none is pending`);
  if (plan.yes) {
    await client.post(`/api/approvals/${approval.id}/decide`, approvalSchema, {
      decision: 'approve',
      note: 'wh demo --yes',
    });
  } else {
    plan.say(`waiting for your approval of the deploy: ${plan.approveCommand(approval.id)}`);
  }
  await waitForPhase('deployed', 'ready_for_commit');
  await events.catchUp();

  const [tasks, findings, finished] = await Promise.all([
    client.get('/api/tasks', taskPageSchema, { run_id: run.id, limit: 500 }),
    client.get('/api/findings', findingPageSchema, { run_id: run.id, limit: 500 }),
    client.get(`/api/runs/${run.id}`, runViewSchema),
  ]);
  return {
    runId: run.id,
    summary: summarize(events.seen, tasks.items, findings.items, (Date.now() - started) / 1000),
    releasedCommit: finished.released_commit,
  };
}

/** Reads a run's events in order as they come, saying each one worth a line. */
class EventFollower {
  readonly seen: WhEvent[] = [];
  private afterId = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly runId: number,
    private readonly say: (line: string) => void,
  ) {}

  async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.client.get('/api/events', eventPageSchema, {
        run_id: this.runId,
        after_id: this.afterId || undefined,
        limit: 500,
      });
      for (const event of page.items) {
        this.seen.push(event);
        this.afterId = event.id;
        const line = progressLine(event);
        if (line) this.say(line);
      }
      if (!('next_after_id' in page) || page.next_after_id === null) return;
    }
  }
}
