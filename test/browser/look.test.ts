/**
 * The dashboard as people see and drive it: every page screenshotted at 1280 and 390 px in light and dark
 * (the system setting), the board's keyboard (`/` search, `j`/`k`, Enter, Esc), the task panel below the
 * header, Retry only where the server takes it, the Runs table readable on a phone, per-project role
 * prompts on the Roles page, and each role's backend, model and timeout set from the project form.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchRepository } from '../support/git.ts';
import { ensureBuilt, missingBrowser, type Server, shot, startServerAndBrowser } from './harness.ts';

const skipReason = missingBrowser();

const PAGES = [
  ['overview', '/ui/', 'Overview'],
  ['projects', '/ui/projects/', 'Projects'],
  ['runs', '/ui/runs/', 'Runs'],
  ['approvals', '/ui/approvals/', 'Approvals'],
  ['bugs', '/ui/bugs/', 'Bug reports'],
  ['roles', '/ui/roles/', 'Role prompts'],
  ['director', '/ui/director/', 'Director'],
] as const;
const SIZES = [
  ['1280', { width: 1280, height: 800 }],
  ['390', { width: 390, height: 844 }],
] as const;
const SCHEMES = ['light', 'dark'] as const;

interface Task {
  id: number;
}

/** What the page.evaluate callbacks read (the Node typecheck has no DOM types). */
interface InDocument {
  document: {
    activeElement: { getAttribute(name: string): string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
}

describe.skipIf(skipReason !== null)('how the dashboard looks and is driven', () => {
  let server: Server;
  let browser: Browser;
  let projectId: number;
  let runId: number;
  const taskIds: number[] = [];
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  async function context(scheme: 'light' | 'dark', viewport: { width: number; height: number }) {
    const made = await browser.newContext({ viewport, colorScheme: scheme });
    made.on('weberror', (error) => errors.push(String(error.error())));
    made.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const page = await made.newPage();
    await page.goto(server.loginUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
    contexts.push(made);
    return made;
  }

  async function open(made: BrowserContext, path: string): Promise<Page> {
    const page = await made.newPage();
    await page.goto(`${server.base}${path}`);
    return page;
  }

  beforeAll(async () => {
    ensureBuilt();
    ({ server, browser } = await startServerAndBrowser());
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'looks',
      repository: scratchRepository(),
      test_command: 'npm test',
    });
    expect(project.status).toBe(201);
    projectId = project.json.id;
    const run = await server.api<{ id: number }>('POST', '/api/runs', {
      project_id: projectId,
      goal: 'Make the storefront checkout accessible to keyboard and screen reader users',
      skip_planning: true,
    });
    runId = run.json.id;
    for (const [title, priority] of [
      ['Alpha: label every checkout field', 9],
      ['Beta: focus order of the payment form', 6],
      ['Gamma: announce errors to screen readers', 3],
    ] as const) {
      const task = await server.api<Task>('POST', '/api/tasks', { run_id: runId, title, priority });
      taskIds.push(task.json.id);
    }
    await server.api('POST', '/api/bug-reports', {
      title: 'The Runs table wraps on a phone',
      description: 'x',
    });
  }, 180_000);

  afterAll(async () => {
    for (const made of contexts) await made.close();
    await browser?.close();
    await server?.stop();
  });

  it('drives the board by keyboard: / searches, j and k move, Enter opens, Esc closes', async () => {
    const page = await open(await context('light', { width: 1280, height: 800 }), `/ui/run/${runId}/`);
    const cards = page.locator('.board .task-card');
    await cards.nth(2).waitFor();

    await page.keyboard.press('/');
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as InDocument).document.activeElement?.getAttribute('aria-label'),
      ),
    ).toBe('Search tasks');
    await page.keyboard.type('focus order');
    await page.getByText('1 of 3 tasks match').waitFor();
    expect(await cards.count()).toBe(1);
    expect(await cards.first().textContent()).toContain('Beta');
    await shot(page, 'look', 'board-search');
    await page.keyboard.press('Escape');
    await cards.nth(2).waitFor();

    const focusedTask = () =>
      page.evaluate(() =>
        (globalThis as unknown as InDocument).document.activeElement?.getAttribute('data-task-id'),
      );
    await page.keyboard.press('j');
    expect(await focusedTask()).toBe(String(taskIds[0]));
    await page.keyboard.press('j');
    expect(await focusedTask()).toBe(String(taskIds[1]));
    await page.keyboard.press('k');
    expect(await focusedTask()).toBe(String(taskIds[0]));
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: /Alpha: label every checkout field/ });
    await panel.waitFor();

    // The panel starts below the header: its buttons stay in reach.
    const header = (await page.locator('header.topbar').boundingBox())!;
    const aside = (await panel.boundingBox())!;
    expect(aside.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    await page
      .locator('header.topbar')
      .getByRole('link', { name: 'Runs', exact: true })
      .click({ trial: true });
    await shot(page, 'look', 'board-panel');

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.close();
  });

  it('offers Retry on a cancelled job only while its task is still at that stage', async () => {
    const [first] = taskIds;
    const jobs = await server.api<{ items: { id: number }[] }>('GET', `/api/jobs?task_id=${first}`);
    const jobId = jobs.json.items[0]!.id;
    expect((await server.api('POST', `/api/jobs/${jobId}/cancel`)).status).toBe(200);

    const page = await open(contexts[0]!, `/ui/run/${runId}/?task=${first}`);
    const panel = page.getByRole('complementary');
    await panel.getByRole('button', { name: 'Retry' }).click();
    await panel.getByRole('button', { name: 'Retry' }).waitFor({ state: 'detached' });
    // Retried: a second attempt (which the embedded worker may already have taken).
    expect((await server.api<{ attempt: number }>('GET', `/api/jobs/${jobId}`)).json.attempt).toBe(2);

    await server.api('POST', `/api/tasks/${first}/advance-stage`, { result: 'pass' });
    await panel.getByText(/#\d+ qa · qa/).waitFor();
    const ended = (await server.api<{ state: string }>('GET', `/api/jobs/${jobId}`)).json.state;
    expect(['cancelled', 'failed', 'dead']).toContain(ended);
    // The task and its jobs are read apart, so the task's move may show a moment after its new job does.
    await panel.getByRole('button', { name: 'Retry' }).waitFor({ state: 'detached' });
    expect(await panel.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.close();
  });

  it('keeps a run title on whole lines in the Runs table on a phone', async () => {
    const page = await open(await context('light', { width: 390, height: 844 }), '/ui/runs/');
    const title = page.getByRole('link', { name: /Make the storefront checkout accessible/ });
    await title.waitFor();
    const box = (await title.boundingBox())!;
    expect(box.width).toBeGreaterThan(250);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as InDocument).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("shows a project's own role prompts, and sets each role's agent from the project form", async () => {
    const made = contexts[0]!;
    const roles = await open(made, '/ui/roles/?role=dev');
    await roles.getByRole('heading', { name: /dev prompt · version 1/ }).waitFor();
    await roles.getByLabel('Prompts of').selectOption({ label: 'project looks' });
    await roles.getByRole('heading', { name: /dev prompt · global version 1/ }).waitFor();
    await roles.getByText('This project has no dev prompt of its own: it uses the global one.').waitFor();
    await roles.getByRole('button', { name: 'Edit prompt' }).click();
    const editor = roles.getByLabel('Prompt for dev');
    await editor.fill('Build {{task.title}}.\n');
    await roles.getByRole('button', { name: 'Save as new version' }).click();
    await roles.getByText(/the dev prompt must contain \{\{task\.description\}\}/).waitFor();
    await editor.fill('Build {{task.title}}: {{task.description}}\n\nFix {{findings}}\n');
    await roles.getByRole('button', { name: 'Save as new version' }).click();
    await roles.getByRole('heading', { name: /dev prompt · own version 1/ }).waitFor();
    const own = await server.api<{ items: { prompt: string; project_id: number }[] }>(
      'GET',
      `/api/role-configs/dev?project_id=${projectId}`,
    );
    expect(own.json.items[0]).toMatchObject({
      prompt: 'Build {{task.title}}: {{task.description}}\n\nFix {{findings}}\n',
      project_id: projectId,
    });
    await roles.close();

    const projects = await open(made, '/ui/projects/');
    await projects.getByRole('button', { name: 'Edit looks' }).click();
    const edit = projects.getByRole('dialog', { name: 'Edit looks' });
    await edit.getByLabel('Backend for dev').fill('claude');
    await edit.getByLabel('Model for dev').fill('claude-sonnet-4-5');
    await edit.getByLabel('Timeout for qa').fill('900');
    await edit.getByLabel('Repository path or URL').fill('/nowhere/looks');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('body.repository: /nowhere/looks does not exist on this machine').waitFor();
    await shot(projects, 'look', 'project-form-refused');
    await edit.getByLabel('Repository path or URL').fill(scratchRepository());
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const saved = await server.api<{ settings: { roles: Record<string, unknown> } }>(
      'GET',
      `/api/projects/${projectId}`,
    );
    expect(saved.json.settings.roles).toEqual({
      dev: { backend: 'claude', model: 'claude-sonnet-4-5' },
      qa: { timeoutSeconds: 900 },
    });
    await projects.close();
  });

  it('screenshots every page at 1280 and 390 px, light and dark', async () => {
    // The earlier tests' refused saves (400s) are theirs; from here on no page may log an error.
    errors.length = 0;
    for (const scheme of SCHEMES) {
      for (const [size, viewport] of SIZES) {
        const made = await context(scheme, viewport);
        for (const [name, path, heading] of PAGES) {
          const page = await open(made, path);
          await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
          await shot(page, 'page', `${name}-${size}-${scheme}`);
          await page.close();
        }
        const board = await open(made, `/ui/run/${runId}/`);
        await board.locator('.board .task-card').first().waitFor();
        await shot(board, 'page', `run-${size}-${scheme}`);
        await board.locator('.board .task-card').first().click();
        await board.getByRole('complementary').waitFor();
        await shot(board, 'page', `task-panel-${size}-${scheme}`);
        await board.close();
      }
    }
    expect(errors).toEqual([]);
  }, 600_000);
});
