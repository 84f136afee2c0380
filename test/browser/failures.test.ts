/**
 * Failures in sight, in a real Chromium against a real `wh serve`: a task whose agent fails three times is
 * dead, and its card, the run page's situation line and the jobs page say so with the reason; the server's
 * log has one line for it; retrying from the run page runs it again, and a stage that then fails its checks
 * reads as such (not a green "succeeded") on the card and in the task panel.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';
import { makeRepository } from './scripted.ts';

const skipReason = missingBrowser();
if (skipReason) console.warn(`Skipping the browser suite: ${skipReason}`);

interface Job {
  id: number;
  state: string;
}

describe.skipIf(skipReason !== null)('failures in sight', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let errors: string[];
  let dir: string;
  let agent: string;
  let page: Page;
  let runId: number;
  let taskId: number;

  /** The "agent": a program that fails the way a CLI without its model does, until the test changes it. */
  function agentScript(body: string) {
    writeFileSync(agent, `#!/bin/sh\n${body}\n`);
    chmodSync(agent, 0o755);
  }

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wh-browser-failures-'));
    const repo = join(dir, 'repo');
    makeRepository(repo);
    agent = join(dir, 'agent.sh');
    agentScript('echo "thinking"\necho "fatal: model endpoint refused the request" >&2\nexit 1');
    ({ server, browser } = await startServerAndBrowser());
    ({ context, errors } = await newContext(browser));
    const login = await context.newPage();
    await login.goto(server.loginUrl);
    await login.getByRole('heading', { name: 'Overview' }).waitFor();
    await login.close();

    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'failing',
      repository: repo,
      settings: { roles: { dev: { backend: 'command', binary: agent } }, sandbox: { network: 'none' } },
    });
    expect(project.status).toBe(201);
    const run = await server.api<{ id: number }>('POST', '/api/runs', {
      project_id: project.json.id,
      goal: 'show failures',
      skip_planning: true,
    });
    runId = run.json.id;
    const task = await server.api<{ id: number }>('POST', '/api/tasks', {
      run_id: runId,
      title: 'Add a greeting',
    });
    taskId = task.json.id;
    // Starting wh serve and building the dashboard take long on a loaded machine.
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = () => page.locator(`[data-task-id="${taskId}"]`).getByTestId('task-outcome');
  const situation = () => page.getByTestId('run-situation');

  it('shows a dead job on its card and the run page, with the reason, and logs it once', async () => {
    page = await context.newPage();
    await page.goto(`${server.base}/ui/run/${runId}/`);
    await expect.poll(() => card().textContent()).toContain('held: waits for a trigger');
    await expect.poll(() => situation().textContent()).toContain('1 held until you trigger them');
    await situation().getByRole('button', { name: 'Trigger agent' }).click();

    // Three attempts, two seconds and four seconds apart: then the job is dead.
    await card().getByText('dead: out of attempts').waitFor({ timeout: 60_000 });
    expect(await card().textContent()).toContain('agent failed: command: exited with code 1');
    await expect
      .poll(() => situation().textContent())
      .toContain(`1 failed (#${taskId} dead: out of attempts: agent failed: command: exited with code 1)`);
    await shot(page, 'failures', 'dead-card');

    const jobs = (await server.api<{ items: Job[] }>('GET', `/api/jobs?task_id=${taskId}`)).json.items;
    expect(jobs.map((job) => job.state)).toEqual(['dead']);
    const deadLines = server
      .output()
      .split('\n')
      .filter((line) => line.includes(`job ${jobs[0]!.id} (task ${taskId}, dev)`));
    expect(deadLines.map((line) => JSON.parse(line).msg)).toEqual([
      `job ${jobs[0]!.id} (task ${taskId}, dev) failed attempt 1, retrying: agent failed: command: exited with code 1`,
      `job ${jobs[0]!.id} (task ${taskId}, dev) failed attempt 2, retrying: agent failed: command: exited with code 1`,
      `job ${jobs[0]!.id} (task ${taskId}, dev) is dead: agent failed: command: exited with code 1`,
    ]);

    // The panel says the same, and its job row gives the whole error, stderr included, on hover.
    await page.locator(`[data-task-id="${taskId}"]`).click();
    const outcome = page.getByTestId('task-panel-outcome');
    await expect.poll(() => outcome.textContent()).toContain('dead: out of attempts');
    const error = page.locator('.job-row .job-error').first();
    expect(await error.getAttribute('title')).toContain('fatal: model endpoint refused the request');
  }, 90_000);

  it('filters the jobs page by state, role and backend', async () => {
    const jobsPage = await context.newPage();
    await jobsPage.goto(`${server.base}/ui/`);
    await jobsPage.getByRole('link', { name: 'Dead jobs →', exact: true }).click();
    await jobsPage.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    expect(new URL(jobsPage.url()).search).toBe('?state=dead');
    const rows = jobsPage.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(`task #${taskId}`);
    expect(await rows.first().textContent()).toContain('agent failed: command: exited with code 1');

    await jobsPage.getByLabel('Role').selectOption('qa');
    await jobsPage.getByText('No jobs match these filters.').waitFor();
    await jobsPage.getByLabel('Role').selectOption('dev');
    await jobsPage.getByLabel('Backend').fill('command');
    await expect.poll(() => rows.count()).toBe(1);
    expect(new URL(jobsPage.url()).searchParams.get('backend')).toBe('command');
    await shot(jobsPage, 'failures', 'jobs');
    await jobsPage.setViewportSize({ width: 390, height: 844 });
    // On a phone each job is a block: nothing runs off the screen, and the outcome is on whole lines.
    const wide = await jobsPage.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
        .document;
      return doc.documentElement.scrollWidth;
    });
    expect(wide).toBeLessThanOrEqual(390);
    const outcome = await rows.first().locator('.jobs-outcome').boundingBox();
    expect(outcome!.width).toBeGreaterThan(300);
    await shot(jobsPage, 'failures', 'jobs-390');
    await jobsPage.close();
  }, 60_000);

  it('retries from the run page; a stage that then fails its checks reads as failed, with why', async () => {
    // The agent now exits cleanly, but changes nothing: DEV's own check fails the stage.
    agentScript('echo "nothing to do"\nexit 0');
    // The open task panel lies over the run page at this width: close it to reach the situation line.
    await page.keyboard.press('Escape');
    await page.getByTestId('task-panel-outcome').waitFor({ state: 'detached' });
    await situation()
      .getByRole('button', { name: `Retry #${taskId}` })
      .click();
    await card().getByText('dev failed its checks; back in dev (held)').waitFor({ timeout: 60_000 });
    expect(await card().textContent()).toContain('DEV left no changes on the task branch');
    await page.locator(`[data-task-id="${taskId}"]`).click();
    const panelRows = page.locator('.job-row');
    await expect.poll(() => panelRows.count()).toBe(2);
    const checked = panelRows.nth(1);
    expect(await checked.locator('.badge').first().textContent()).toBe('checks failed');
    expect(await checked.textContent()).toContain('DEV left no changes on the task branch');
    await shot(page, 'failures', 'checks-failed');
    expect(errors).toEqual([]);
  }, 90_000);
});
