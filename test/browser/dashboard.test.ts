/**
 * The dashboard in a real Chromium against a real `wh serve`: logging in, projects, runs and the live task
 * board (a card moves columns on an API change with no reload), killing a run, the bug widget, role prompt
 * versions and diffs, a viewer's read-only view, and deep links. Every page visited is screenshotted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchRepository } from '../support/git.ts';
import {
  ensureBuilt,
  type InPage,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';

const skipReason = missingBrowser();
if (skipReason) console.warn(`Skipping the browser suite: ${skipReason}`);

interface Run {
  id: number;
  phase: string;
}
interface Task {
  id: number;
  pipeline_stage: string;
}

describe.skipIf(skipReason !== null)('dashboard', () => {
  let server: Server;
  let browser: Browser;
  let admin: BrowserContext;
  let adminErrors: string[];
  let projectId: number;

  beforeAll(async () => {
    ensureBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ context: admin, errors: adminErrors } = await newContext(browser));
    // Log the shared admin context in once, through the login URL.
    const page = await admin.newPage();
    await page.goto(server.loginUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'seeded',
      repository: scratchRepository(),
      test_command: 'npm test',
    });
    projectId = project.json.id;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newRun(goal: string): Promise<number> {
    const run = await server.api<Run>('POST', '/api/runs', {
      project_id: projectId,
      goal,
      skip_planning: true,
    });
    expect(run.status).toBe(201);
    return run.json.id;
  }

  async function open(path: string, context = admin): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${server.base}${path}`);
    return page;
  }

  it('explains how to log in, then logs in with the login URL into an HttpOnly cookie', async () => {
    const { context } = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.base}/ui/runs/`);
      await page.getByText('You are not logged in.').waitFor();
      expect(await page.getByText('wh serve', { exact: false }).count()).toBeGreaterThan(0);
      await shot(page, 'login', 'logged-out');

      await page.goto(server.loginUrl);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(new URL(page.url()).search).toBe('');
      const cookie = (await context.cookies()).find((c) => c.name === 'wh_token');
      expect(cookie?.httpOnly).toBe(true);
      await page.getByText('Pending approvals').waitFor();
      await page.locator('.live-live').waitFor();
      // Agents are confined here (bubblewrap is on this server's PATH): no warning.
      expect(server.output()).toContain('Agents: agents are confined by bubblewrap');
      expect(await page.getByTestId('sandbox-notice').count()).toBe(0);
      await shot(page, 'login', 'overview');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByText('You are not logged in.').waitFor();
      await page.reload();
      await page.getByText('You are not logged in.').waitFor();
    } finally {
      await context.close();
    }
  });

  it('creates and edits a project', async () => {
    const page = await open('/ui/projects/');
    await page.getByRole('heading', { name: 'seeded' }).waitFor();
    await shot(page, 'projects', 'list');

    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Name').fill('web-shop');
    await dialog.getByLabel('Repository path or URL').fill('https://example.com/web-shop.git');
    await dialog.getByLabel('Default branch').fill('trunk');
    await dialog.getByLabel('Test command').fill('npm test');
    await dialog.getByLabel('Lint command').fill('npm run lint');
    await shot(page, 'projects', 'create-form');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'web-shop' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Edit web-shop' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit web-shop' });
    await edit.getByLabel('Build command').fill('npm run build');
    const review = edit.getByLabel(/A person reviews each task's change/);
    expect(await review.isChecked()).toBe(false);
    await review.check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('npm run build').waitFor();
    await page.getByRole('button', { name: 'Show runs' }).first().click();
    await page.getByText('No runs for this project yet.').first().waitFor();
    type Listed = {
      name: string;
      build_command: string | null;
      settings: { review?: { required?: boolean } };
    };
    const projects = await server.api<{ items: Listed[] }>('GET', '/api/projects');
    const saved = projects.json.items.find((p) => p.name === 'web-shop');
    expect(saved?.build_command).toBe('npm run build');
    expect(saved?.settings.review).toEqual({ required: true });
    // Opened again, the form shows what was saved.
    await page.getByRole('button', { name: 'Edit web-shop' }).click();
    expect(
      await page
        .getByRole('dialog', { name: 'Edit web-shop' })
        .getByLabel(/A person reviews/)
        .isChecked(),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await shot(page, 'projects', 'edited');
    await page.close();
  });

  it('starts a run, adds a task, and moves its card from dev to qa live, with no reload', async () => {
    const page = await open('/ui/runs/');
    await page.getByRole('button', { name: 'Start a run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a run' });
    await dialog.getByLabel('Project').selectOption({ label: 'seeded' });
    await dialog.getByLabel('Goal').fill('Add a health endpoint');
    await dialog.getByLabel(/Skip planning/).check();
    await shot(page, 'board', 'start-run');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/ui\/run\/\d+\/$/);
    const runId = Number(/\/run\/(\d+)\//.exec(page.url())![1]);
    await page.getByRole('heading', { name: 'Add a health endpoint' }).waitFor();

    await page.getByRole('button', { name: 'Add task' }).click();
    const add = page.getByRole('dialog', { name: 'Add a task' });
    await add.getByLabel('Title').fill('GET /health returns 200');
    await add.getByLabel('Priority (1–10)').fill('8');
    await add.getByRole('button', { name: 'Add task' }).click();
    const devCard = page.locator('[data-stage="dev"] .task-card', { hasText: 'GET /health returns 200' });
    await devCard.waitFor();
    const taskId = Number(await devCard.getAttribute('data-task-id'));
    expect(await devCard.textContent()).toContain('P8');
    await page.locator('.live-live').waitFor();
    await shot(page, 'board', 'run-dev');

    // Mark this page instance: a reload would lose the marker.
    await page.evaluate(() => {
      (globalThis as unknown as InPage).__marker = 'same-page';
    });
    const advanced = await server.api<{ task: Task }>('POST', `/api/tasks/${taskId}/advance-stage`, {
      result: 'pass',
      notes: 'dev done',
    });
    expect(advanced.json.task.pipeline_stage).toBe('qa');
    await page.locator(`[data-stage="qa"] [data-task-id="${taskId}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`[data-stage="dev"] [data-task-id="${taskId}"]`).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as InPage).__marker)).toBe('same-page');
    await page.locator('[data-stage="qa"] .count', { hasText: '1' }).waitFor();

    // The task's detail panel: its jobs (the cancelled dev job, the held qa job) and notes.
    await page.locator(`[data-task-id="${taskId}"]`).click();
    const panel = page.getByRole('complementary', { name: /GET \/health returns 200/ });
    await panel.getByText('#2 qa · qa').waitFor();
    await panel.getByText('No findings.').waitFor();
    await shot(page, 'board', 'task-panel');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // Set the stage from the panel, as an operator would.
    await page.locator(`[data-task-id="${taskId}"]`).click();
    await panel.getByLabel('Move to stage').selectOption('sec');
    await panel.getByRole('button', { name: 'Set stage' }).click();
    await page.locator(`[data-stage="sec"] [data-task-id="${taskId}"]`).waitFor();
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(`[data-task-id="${taskId}"]`).waitFor();
    await shot(page, 'board', 'run-390');
    const overflow = await page.evaluate(
      () => (globalThis as unknown as InPage).document.documentElement.scrollWidth,
    );
    expect(overflow).toBeLessThanOrEqual(390);
    expect((await server.api<Run>('GET', `/api/runs/${runId}`)).json.phase).toBe('building');
    await page.close();
  });

  it("streams a running job's log into the task panel as the agent works", async () => {
    // A real job: the scripted backend plays a recipe in a git worktree of a throwaway repository.
    const dir = mkdtempSync(join(tmpdir(), 'wh-browser-repo-'));
    try {
      const repo = join(dir, 'repo');
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
      execFileSync('git', ['init', '-q', '-b', 'main', repo]);
      writeFileSync(join(repo, 'README.md'), 'demo\n');
      git('add', '.');
      git('commit', '-qm', 'init');
      const recipe = join(dir, 'recipe.json');
      writeFileSync(
        recipe,
        JSON.stringify({
          steps: [
            {
              role: 'dev',
              actions: [
                { say: 'Reading the task' },
                { run: 'sleep 1; echo checked-the-repo' },
                { write: { path: 'health.txt', content: 'ok\n' } },
                { say: 'Wrote health.txt' },
              ],
              exit: 0,
              result: 'done',
            },
          ],
        }),
      );
      const project = await server.api<{ id: number }>('POST', '/api/projects', {
        name: 'scripted',
        repository: repo,
        settings: {
          roles: { dev: { backend: 'scripted' } },
          scriptedRecipe: recipe,
          sandbox: { network: 'none' },
        },
      });
      const run = await server.api<Run>('POST', '/api/runs', {
        project_id: project.json.id,
        goal: 'Scripted agent at work',
        skip_planning: true,
      });
      const task = await server.api<Task>('POST', '/api/tasks', {
        run_id: run.json.id,
        title: 'Make health',
      });

      const page = await open(`/ui/run/${run.json.id}/?task=${task.json.id}`);
      const panel = page.getByRole('complementary', { name: /Make health/ });
      // The log opens as steps; the raw text is one click away.
      const steps = panel.getByTestId('log-steps');
      await panel.getByText('No output yet.').waitFor();
      await page.locator('.live-live').waitFor();
      // The run's toolbar (the situation line offers the same button, under the open panel here).
      await page.locator('form.action-group').getByRole('button', { name: 'Trigger agent' }).click();
      await page.getByText('Released 1 held job.').waitFor();
      await steps.getByText(/Reading the task/).waitFor({ timeout: 15_000 });
      await steps.getByText(/exit 0 after/).waitFor({ timeout: 15_000 });
      await panel.getByRole('heading', { name: /Log of job/ }).scrollIntoViewIfNeeded();
      await shot(page, 'log', 'task-panel-steps');
      await panel.getByRole('button', { name: 'Raw', exact: true }).click();
      const raw = panel.locator('pre.log');
      await raw.getByText(/exit 0 after/).waitFor();
      expect(await raw.textContent()).toContain('checked-the-repo');
      await page.locator(`[data-stage="qa"] [data-task-id="${task.json.id}"]`).waitFor();
      await panel
        .locator('.job-row', { hasText: 'succeeded' })
        .getByText(/scripted/)
        .waitFor();
      // What the run used, as the scripted agent reported it (100 tokens in, 20 out, no cost), live.
      await page
        .getByTestId('run-usage')
        .getByText('used: 1 agent attempt · 100 in / 20 out tokens · $0.00')
        .waitFor();
      await shot(page, 'log', 'task-panel');
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a run through the confirmation dialog', async () => {
    const runId = await newRun('A run to kill');
    const page = await open(`/ui/run/${runId}/`);
    // The timeline says when the run entered its phase (it started in building: planning was skipped).
    await page.locator('.step-current time').getByText('just now').waitFor();
    expect(await page.locator('.step-done time').count()).toBe(0);
    const kill = page.getByRole('button', { name: 'Kill run' });
    await kill.click();
    const dialog = page.getByRole('dialog', { name: `Kill run #${runId}?` });
    await dialog.waitFor();
    // Escape closes it and focus returns to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(
      await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent),
    ).toBe('Kill run');
    expect((await server.api<Run>('GET', `/api/runs/${runId}`)).json.phase).toBe('building');

    await kill.click();
    await dialog.waitFor();
    // The safe choice has focus in a destructive confirmation.
    expect(
      await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent),
    ).toBe('Cancel');
    await shot(page, 'kill', 'confirm');
    await dialog.getByRole('button', { name: 'Kill run' }).click();
    await page.getByText('This run is killed (just now).').waitFor();
    expect(await page.getByRole('button', { name: 'Kill run' }).count()).toBe(0);
    expect((await server.api<Run>('GET', `/api/runs/${runId}`)).json.phase).toBe('killed');
    await shot(page, 'kill', 'killed');
    await page.close();
  });

  it('files a bug report with the widget and shows it on the bugs page', async () => {
    const runId = await newRun('Findings live here');
    for (const [severity, issue] of [
      ['high', 'SQL built by string concatenation'],
      ['low', 'README misses the health endpoint'],
    ]) {
      const made = await server.api('POST', '/api/findings', {
        run_id: runId,
        source: 'sec',
        severity,
        issue,
      });
      expect(made.status).toBe(201);
    }
    const page = await open('/ui/runs/');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByRole('button', { name: 'Report a bug' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report a bug' });
    await dialog.getByLabel('Title').fill('Runs table is hard to scan');
    await dialog.getByLabel('What happened?').fill('The progress column wraps on a small laptop.');
    await shot(page, 'bugs', 'widget');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await dialog.getByText(/bug report #\d+ was filed/).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('link', { name: 'Bugs' }).click();
    const item = page.locator('.item', { hasText: 'Runs table is hard to scan' });
    await item.waitFor();
    expect(await item.textContent()).toContain('/ui/runs/');
    expect(await item.textContent()).toContain('viewport 1280x800');
    await page.getByText('SQL built by string concatenation').waitFor();
    await page.getByText('README misses the health endpoint').waitFor();
    await shot(page, 'bugs', 'list');
    await page.getByLabel('Severity').selectOption('high');
    await page.getByText('README misses the health endpoint').waitFor({ state: 'detached' });
    await page.getByText('SQL built by string concatenation').waitFor();
    expect(new URL(page.url()).searchParams.get('severity')).toBe('high');
    await shot(page, 'bugs', 'filtered');
    await page.close();
  });

  it('edits a role prompt into a new version, diffs it, and rolls back', async () => {
    const page = await open('/ui/roles/');
    await page.getByRole('button', { name: /^qa/ }).click();
    await page.getByRole('heading', { name: /qa prompt · version 1/ }).waitFor();
    await page.getByRole('button', { name: 'Edit prompt' }).click();
    const editor = page.getByLabel('Prompt for qa');
    const original = await editor.inputValue();
    await editor.fill(`${original}\nAlways check the health endpoint answers 200.\n`);
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByRole('heading', { name: /qa prompt · version 2/ }).waitFor();

    const diff = page.locator('figure.diff');
    await diff.getByText('v1 → v2').waitFor();
    const added = diff.locator('tr.diff-add', { hasText: 'Always check the health endpoint answers 200.' });
    await added.waitFor();
    await shot(page, 'roles', 'diff');

    await page.getByRole('button', { name: 'Activate v1' }).click();
    await page.getByRole('heading', { name: /qa prompt · version 1/ }).waitFor();
    const versions = await server.api<{ items: { version: number; active: boolean }[] }>(
      'GET',
      '/api/role-configs/qa',
    );
    expect(versions.json.items.find((v) => v.active)?.version).toBe(1);
    await shot(page, 'roles', 'rolled-back');
    await page.close();
  });

  it("hides a viewer's write actions, and the API refuses them anyway", async () => {
    const runId = await newRun('Viewer sees this run');
    const made = await server.api<{ token: string }>('POST', '/api/tokens', {
      name: 'viewer',
      role: 'viewer',
    });
    expect(made.status).toBe(201);
    const { context } = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.base}/ui/?token=${made.json.token}`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.locator('.role-tag', { hasText: 'viewer' }).waitFor();
      await shot(page, 'viewer', 'overview');

      await page.goto(`${server.base}/ui/projects/`);
      await page.getByRole('heading', { name: 'seeded' }).waitFor();
      expect(await page.getByRole('button', { name: 'New project' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
      await shot(page, 'viewer', 'projects');

      await page.goto(`${server.base}/ui/runs/`);
      await page.getByRole('link', { name: /Viewer sees this run/ }).waitFor();
      expect(await page.getByRole('button', { name: 'Start a run' }).count()).toBe(0);
      await shot(page, 'viewer', 'runs');

      await page.goto(`${server.base}/ui/run/${runId}/`);
      await page.getByRole('heading', { name: 'Viewer sees this run' }).waitFor();
      for (const name of ['Kill run', 'Add task', 'Trigger agent', 'Trigger pipeline', 'Pause']) {
        expect(await page.getByRole('button', { name }).count()).toBe(0);
      }
      expect(await page.getByRole('button', { name: 'Report a bug' }).count()).toBe(1);
      await shot(page, 'viewer', 'run');

      const status = await page.evaluate(async (id) => {
        const response = await fetch(`/api/runs/${id}/kill`, { method: 'POST' });
        return response.status;
      }, runId);
      expect(status).toBe(403);
      expect((await server.api<Run>('GET', `/api/runs/${runId}`)).json.phase).toBe('building');
    } finally {
      await context.close();
    }
  });

  it("draws a project's own pipeline as the run's columns, and offers only its stages", async () => {
    const own = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'own-pipeline',
      repository: scratchRepository(),
      settings: {
        pipeline: ['dev', 'qa', { stage: 'licence', title: 'Licence', command: 'test -f LICENSE' }],
      },
    });
    expect(own.status).toBe(201);
    const run = await server.api<Run>('POST', '/api/runs', {
      project_id: own.json.id,
      goal: 'Check the licence',
      skip_planning: true,
    });
    const task = await server.api<Task>('POST', '/api/tasks', {
      run_id: run.json.id,
      title: 'Add a LICENSE',
    });
    expect(task.status).toBe(201);

    const page = await open(`/ui/run/${run.json.id}/`);
    await page.locator(`[data-stage="dev"] [data-task-id="${task.json.id}"]`).waitFor();
    expect(await page.locator('.column-head > span:first-child').allTextContents()).toEqual([
      'Waiting',
      'Dev',
      'QA',
      'Licence',
      'Complete',
    ]);
    expect(await page.locator('[data-stage="sec"], [data-stage="docs"]').count()).toBe(0);

    await page.locator(`[data-task-id="${task.json.id}"]`).click();
    const panel = page.getByRole('complementary', { name: /Add a LICENSE/ });
    const picker = panel.getByLabel('Move to stage');
    await picker.waitFor();
    expect(await picker.locator('option').allTextContents()).toEqual([
      'waiting (none)',
      'dev',
      'qa',
      'licence',
      'complete',
    ]);
    await picker.selectOption('licence');
    await panel.getByRole('button', { name: 'Set stage' }).click();
    await page
      .locator(`[data-stage="licence"] [data-task-id="${task.json.id}"]`)
      .waitFor({ timeout: 10_000 });
    await shot(page, 'board', 'own-pipeline');
    await page.close();
  });

  it('serves deep links on reload', async () => {
    const runId = await newRun('Deep link target');
    await server.api('POST', '/api/tasks', { run_id: runId, title: 'Waits in dev' });
    const page = await open(`/ui/run/${runId}/`);
    await page.getByRole('heading', { name: 'Deep link target' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Deep link target' }).waitFor();
    await page.locator('[data-stage="dev"] .task-card', { hasText: 'Waits in dev' }).waitFor();
    await shot(page, 'deeplink', 'run');

    await page.goto(`${server.base}/ui/bugs/?severity=high`);
    await page.reload();
    await page.getByRole('heading', { name: 'Bugs and findings' }).waitFor();
    expect(await page.getByLabel('Severity').inputValue()).toBe('high');
    await shot(page, 'deeplink', 'bugs');
    await page.goto(`${server.base}/ui/no/such/page/`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await shot(page, 'deeplink', 'not-found');
    await page.close();
    expect(adminErrors).toEqual([]);
  });
});
