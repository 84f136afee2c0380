/**
 * Supervising one task from its panel, in a real Chromium against a real `wh serve` running the scripted
 * team on a real repository: with `review.required` the task waits before its merge; its diff is shown;
 * a comment on a line sent back to dev reaches the next DEV prompt; accepting it merges it into the run
 * branch. And a running job stopped from the panel has its process killed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../support/agents.ts';
import { oneTaskPasses, planOne, reviewersPass } from '../support/release-recipe.ts';
import {
  ensureBuilt,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';
import { makeRepository, scriptedSettings } from './scripted.ts';

const skipReason = missingBrowser();
if (skipReason) console.warn(`Skipping the browser suite: ${skipReason}`);

interface Task {
  id: number;
  version: number;
  pipeline_stage: string;
  review_state: string | null;
}
interface Job {
  id: number;
  stage: string | null;
  kind: string;
  state: string;
  log?: string;
}

const COMMENT = 'Return the answer as a named constant';
const SECOND_ANSWER = 'const ANSWER = 42;\n\nexport function answer() {\n  return ANSWER;\n}\n';
/** A sleep no other process on the machine runs: its presence is the running agent's. */
const SLEEP = 'sleep 613';

function sleeping(): boolean {
  try {
    execFileSync('pgrep', ['-f', SLEEP]);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(skipReason !== null)('a task under review', () => {
  let server: Server;
  let browser: Browser;
  let admin: BrowserContext;
  let adminErrors: string[];
  let dir: string;
  let repo: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wh-browser-review-'));
    repo = join(dir, 'repo');
    makeRepository(repo);
    ({ server, browser } = await startServerAndBrowser({ AUTO_TRIGGER_AGENTS: 'true' }));
    ({ context: admin, errors: adminErrors } = await newContext(browser));
    const page = await admin.newPage();
    await page.goto(server.loginUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 90_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function startRun(name: string, steps: Step[], settings: Record<string, unknown> = {}) {
    const recipe = join(dir, `${name}.json`);
    writeFileSync(recipe, JSON.stringify({ steps }));
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name,
      repository: repo,
      default_branch: 'main',
      test_command: 'npm test',
      settings: { ...scriptedSettings(recipe), ...settings },
    });
    expect(project.status).toBe(201);
    const run = await server.api<{ id: number; branch: string }>('POST', '/api/runs', {
      project_id: project.json.id,
      goal: `Add ${name}`,
    });
    expect(run.status).toBe(201);
    return run.json;
  }

  async function onlyTask(runId: number): Promise<Task | undefined> {
    return (await server.api<{ items: Task[] }>('GET', `/api/tasks?run_id=${runId}`)).json.items[0];
  }

  async function jobsOf(taskId: number): Promise<Job[]> {
    return (await server.api<{ items: Job[] }>('GET', `/api/jobs?task_id=${taskId}&limit=50`)).json.items;
  }

  async function openTask(runId: number, taskId: number): Promise<Page> {
    const page = await admin.newPage();
    await page.goto(`${server.base}/ui/run/${runId}`);
    await page.locator(`[data-task-id="${taskId}"]`).click();
    await page.locator('#task-panel-title').waitFor();
    return page;
  }

  it('shows the diff, sends the task back with a line comment that reaches the next prompt, and merges it once accepted', async () => {
    const [dev, ...reviewers] = oneTaskPasses('answer');
    const secondDev: Step = {
      role: 'dev',
      task: 'Add answer',
      actions: [{ echo_prompt: true }, { write: { path: 'src/answer.js', content: SECOND_ANSWER } }],
    };
    const run = await startRun(
      'answer',
      [planOne('answer'), dev!, ...reviewers, secondDev, ...reviewersPass('Add answer')],
      { review: { required: true } },
    );
    const awaiting = async () => {
      const task = await onlyTask(run.id);
      return task?.review_state === 'awaiting' && task;
    };
    const held = await until('the task to await review', awaiting);

    const page = await openTask(run.id, held.id);
    const panel = page.locator('.task-panel');
    await panel.getByText('Awaiting review:').waitFor();
    const file = panel.getByRole('figure', { name: /^src\/answer\.js / });
    await file.waitFor();
    expect(await file.locator('.diff-code-insert').count()).toBe(3);
    // Highlighted: the keywords are Prism tokens.
    expect(await file.locator('.token.keyword').count()).toBeGreaterThan(0);
    await shot(page, 'review', 'awaiting-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'review', 'awaiting-390');
    await page.setViewportSize({ width: 1280, height: 800 });

    await file.getByRole('button', { name: 'Comment on src/answer.js line 2' }).click();
    await file.getByRole('textbox', { name: 'Comment on src/answer.js line 2' }).fill(COMMENT);
    await file.getByRole('button', { name: 'Add comment' }).click();
    await file.getByText(COMMENT).waitFor();
    await shot(page, 'review', 'comment');
    await panel.getByRole('button', { name: 'Send back to dev' }).click();
    await page.locator('[data-stage="dev"] [data-task-id]').first().waitFor();

    const again = await until('the task to await review again', awaiting);
    const devJobs = (await jobsOf(held.id)).filter((job) => job.stage === 'dev');
    expect(devJobs).toHaveLength(2);
    const second = await server.api<Job>('GET', `/api/jobs/${Math.max(...devJobs.map((job) => job.id))}`);
    expect(second.json.log).toContain(`[high, from review] ${COMMENT} (src/answer.js:2)`);

    // The page keeps the open task in its address: after a reload its panel is open again.
    await page.reload();
    await page.locator('#task-panel-title', { hasText: `#${again.id}` }).waitFor();
    await panel.getByRole('button', { name: 'Accept and merge' }).click();
    await until('the task to complete', async () => (await onlyTask(run.id))?.pipeline_stage === 'complete');
    const merged = execFileSync('git', ['-C', repo, 'show', `${run.branch}:src/answer.js`], {
      encoding: 'utf8',
    });
    expect(merged).toBe(SECOND_ANSWER);
    const mergeJob = (await jobsOf(held.id)).find((job) => job.kind === 'merge');
    expect(mergeJob?.state).toBe('succeeded');
    await page.close();
    expect(adminErrors).toEqual([]);
  }, 300_000);

  it("stops a running job from the task panel, killing its agent's process", async () => {
    const run = await startRun('waiting', [
      planOne('waiting'),
      { role: 'dev', task: 'Add waiting', actions: [{ run: SLEEP }] },
    ]);
    const task = await until('the task to exist', () => onlyTask(run.id));
    await until('the dev agent to be running', async () => sleeping());
    const page = await openTask(run.id, task.id);
    const running = page.locator('.job-row', { hasText: 'running' });
    await running.getByRole('button', { name: 'Stop' }).click();
    await until('the job to be cancelled', async () =>
      (await jobsOf(task.id)).some((job) => job.stage === 'dev' && job.state === 'cancelled'),
    );
    await until('the agent process to be gone', async () => !sleeping(), 30_000);
    await page.close();
    expect(adminErrors).toEqual([]);
  }, 180_000);
});
