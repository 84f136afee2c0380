/**
 * The Director in a real Chromium against a real `wh serve` (whose Director looks every 5 s): an admin turns a
 * rule off and on and sets a threshold from its page; a run whose project's budget is one token is paused by
 * the budget rule, and the intervention appears on the open page without a reload; the run page shows its
 * budget in the warning colour and the intervention; the budget approval is approved with a raised limit
 * from the approvals page, and the run goes on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneTaskPasses, planOne } from '../support/release-recipe.ts';
import {
  ensureBuilt,
  type InPage,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';
import { makeRepository, scriptedSettings } from './scripted.ts';

const skipReason = missingBrowser();
if (skipReason) console.warn(`Skipping the browser suite: ${skipReason}`);

interface DirectorState {
  enabled: boolean;
  rule_settings: Record<string, Record<string, unknown>>;
}

interface Run {
  id: number;
  phase: string;
  paused: boolean;
  budget: { tokens?: number } | null;
}

interface Approval {
  id: number;
  kind: string;
  state: string;
  details: { budget: { tokens?: number }; used: { tokens: number } };
}

describe.skipIf(skipReason !== null)('director', () => {
  let server: Server;
  let browser: Browser;
  let admin: BrowserContext;
  let adminErrors: string[];
  let dir: string;
  let repo: string;
  let directorPage: Page;

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wh-browser-director-'));
    repo = join(dir, 'repo');
    makeRepository(repo);
    // Jobs wait to be triggered: the test lets the PM work (and report tokens) and holds the rest, so the
    // run cannot finish before the Director's next look.
    ({ server, browser } = await startServerAndBrowser());
    ({ context: admin, errors: adminErrors } = await newContext(browser));
    const page = await admin.newPage();
    await page.goto(server.loginUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what}: still ${JSON.stringify(value)}\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const director = async () => (await server.api<DirectorState>('GET', '/api/director')).json;
  const runOf = async (id: number) => (await server.api<Run>('GET', `/api/runs/${id}`)).json;

  it("turns a rule off and on, and sets a threshold, from the Director's page", async () => {
    directorPage = await admin.newPage();
    await directorPage.goto(`${server.base}/ui/`);
    await directorPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Director' })
      .click();
    await directorPage.getByRole('heading', { name: 'Director', level: 1 }).waitFor();
    expect(new URL(directorPage.url()).pathname).toBe('/ui/director/');
    // wh serve's own Director takes the lease at start.
    await directorPage.getByTestId('director-leader').getByText('Acting for it').waitFor({ timeout: 15_000 });

    const tdd = directorPage.locator('[data-rule="tdd"]');
    const tddSwitch = tdd.getByRole('checkbox', { name: 'On for the installation' });
    expect(await tddSwitch.isChecked()).toBe(true);
    // The switch shows what the server holds: it turns once the answer is back.
    await tddSwitch.click();
    await until('tdd off', director, (state) => state.rule_settings.tdd?.enabled === false);
    await expect.poll(() => tddSwitch.isChecked()).toBe(false);
    await tddSwitch.click();
    await until('tdd on', director, (state) => state.rule_settings.tdd?.enabled !== false);
    await expect.poll(() => tddSwitch.isChecked()).toBe(true);

    const stuck = directorPage.locator('[data-rule="stuck-task"]');
    const idle = stuck.getByRole('textbox', { name: 'idleMinutes' });
    expect(await idle.getAttribute('placeholder')).toBe('10');
    await idle.fill('30');
    await stuck.getByRole('button', { name: 'Save' }).click();
    await until('idleMinutes 30', director, (state) => state.rule_settings['stuck-task']?.idleMinutes === 30);
    await idle.fill('soon');
    await stuck.getByRole('button', { name: 'Save' }).click();
    await stuck.getByRole('alert').getByText('idleMinutes must be a number.').waitFor();
    expect((await director()).rule_settings['stuck-task']).toEqual({ idleMinutes: 30 });
    await shot(directorPage, 'director', 'rules');

    // A phone reads the same page at its own width.
    await directorPage.setViewportSize({ width: 390, height: 844 });
    await shot(directorPage, 'director', 'rules-390');
    const scrollWidth = await directorPage.evaluate(
      () => (globalThis as unknown as InPage).document.documentElement.scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await directorPage.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('shows a budget pause live, on the Director page and the run page, and resumes the run from its approval', async () => {
    // Marks this page's document: should anything reload it, the mark is gone.
    await directorPage.evaluate(() => {
      (globalThis as unknown as InPage).__marker = 'not reloaded';
    });
    const interventions = directorPage.locator('section[aria-labelledby="interventions-h"]');
    await interventions.getByText('The Director has not stepped in yet.').waitFor();

    const recipe = join(dir, 'recipe.json');
    writeFileSync(recipe, JSON.stringify({ steps: [planOne('answer'), ...oneTaskPasses('answer')] }));
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'budgeted',
      repository: repo,
      default_branch: 'main',
      test_command: 'npm test',
      // The PM's first report (100 input tokens) is past this at once.
      settings: { ...scriptedSettings(recipe), budget: { tokens: 1 } },
    });
    expect(project.status).toBe(201);
    const created = await server.api<Run>('POST', '/api/runs', {
      project_id: project.json.id,
      goal: 'Add answer on a budget',
    });
    expect(created.status).toBe(201);
    const runId = created.json.id;
    expect((await server.api('POST', `/api/runs/${runId}/trigger-agent`, { role: 'pm' })).status).toBe(200);

    const paused = interventions.locator('[data-intervention-id]', { hasText: `run ${runId} used` });
    await paused.waitFor({ timeout: 60_000 });
    expect(await paused.textContent()).toContain('pause');
    expect(await paused.textContent()).toContain('budget');
    expect(await paused.getByRole('link', { name: `run #${runId}` }).getAttribute('href')).toBe(
      `/ui/run/${runId}/`,
    );
    expect(await directorPage.evaluate(() => (globalThis as unknown as InPage).__marker ?? 'reloaded')).toBe(
      'not reloaded',
    );
    await shot(directorPage, 'director', 'intervened');
    expect((await runOf(runId)).paused).toBe(true);

    // The filter by run keeps it; another rule's filter does not.
    await interventions.getByLabel('Run #').fill(String(runId));
    await paused.waitFor();
    await interventions.getByLabel('Rule').selectOption('tdd');
    await interventions.getByText('No interventions match these filters.').waitFor();
    await directorPage.close();

    // The run page: its project's budget, spent past its limit, and what the Director did.
    const runPage = await admin.newPage();
    await runPage.goto(`${server.base}/ui/run/${runId}/`);
    const tokens = runPage.locator('[data-budget="tokens"]');
    await tokens.waitFor();
    expect(await tokens.getAttribute('class')).toContain('budget-warn');
    expect(await tokens.textContent()).toMatch(/of 1 tokens \(\d+%\)/);
    await runPage.getByText("The project's budget").waitFor();
    const runInterventions = runPage.locator('section.run-interventions');
    await runInterventions
      .locator('[data-intervention-id]', { hasText: 'paused until a person raises them' })
      .waitFor();
    await shot(runPage, 'director', 'run-over-budget');

    // The approvals page: the limit and what was used, and the raised limit, prefilled.
    const [approval] = (
      await server.api<{ items: Approval[] }>('GET', `/api/approvals?run_id=${runId}&state=pending`)
    ).json.items;
    expect(approval?.kind).toBe('budget');
    const approvals = await admin.newPage();
    await approvals.goto(`${server.base}/ui/approvals/`);
    const item = approvals.locator(`[data-approval-id="${approval!.id}"]`);
    await item.waitFor();
    expect(await item.locator('.budget-details').textContent()).toContain(
      `Limit1 tokenUsed${approval!.details.used.tokens} tokens`,
    );
    const raised = item.getByRole('textbox', { name: /^Tokens/ });
    expect(await raised.inputValue()).toBe(String(Math.max(1, approval!.details.used.tokens) * 2));
    await raised.fill('');
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.getByRole('alert').getByText('Give at least one raised limit').waitFor();
    await raised.fill('1000000');
    await item.getByLabel(/^Note/).fill('Worth it.');
    await shot(approvals, 'director', 'budget-approval');
    await item.getByRole('button', { name: 'Approve' }).click();
    await approvals.getByText(`run #${runId} goes on with its raised budget`).waitFor();
    await approvals.close();

    const resumed = await runOf(runId);
    expect(resumed.paused).toBe(false);
    expect(resumed.budget).toEqual({ tokens: 1_000_000 });
    // The run page, open all along, follows: the run's own budget; triggered, its work goes on to its tests.
    await runPage.getByText("The run's own budget").waitFor();
    expect(await tokens.getAttribute('class')).not.toContain('budget-warn');
    expect((await server.api('POST', `/api/runs/${runId}/trigger-pipeline`, {})).status).toBe(200);
    await until(
      'the run goes on',
      () => runOf(runId),
      (run) => run.phase === 'awaiting_approval',
      80_000,
    );
    await shot(runPage, 'director', 'run-resumed');
    await runPage.close();
    expect(adminErrors).toEqual([]);
  }, 180_000);

  it("sets one project's Director and rules from the Director's page: they win over the installation's", async () => {
    interface Project {
      id: number;
      settings: { director?: { enabled?: boolean; rules?: Record<string, Record<string, unknown>> } };
    }
    const created = await server.api<Project>('POST', '/api/projects', {
      name: 'director-settings',
      repository: repo,
      default_branch: 'main',
    });
    expect(created.status).toBe(201);
    const projectOf = async () =>
      (await server.api<Project>('GET', `/api/projects/${created.json.id}`)).json.settings.director ?? {};

    const page = await admin.newPage();
    await page.goto(`${server.base}/ui/director/`);
    const section = page.locator('section[aria-labelledby="project-director-h"]');
    await section.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'director-settings' });

    const tdd = section
      .locator('[data-rule="tdd"]')
      .getByRole('checkbox', { name: 'On for director-settings' });
    expect(await tdd.isChecked()).toBe(true);
    await tdd.click();
    await until('tdd off for the project', projectOf, (director) => director.rules?.tdd?.enabled === false);
    await expect.poll(() => tdd.isChecked()).toBe(false);
    // The installation's switch is untouched.
    expect((await director()).rule_settings.tdd?.enabled).not.toBe(false);

    const stuck = section.locator('[data-rule="stuck-task"]');
    await stuck.getByRole('textbox', { name: 'idleMinutes' }).fill('45');
    await stuck.getByRole('button', { name: 'Save' }).click();
    await until(
      'idleMinutes 45 for the project',
      projectOf,
      (director) => director.rules?.['stuck-task']?.idleMinutes === 45,
    );
    expect((await projectOf()).rules?.['stuck-task']).toEqual({ enabled: true, idleMinutes: 45 });

    const on = section.getByRole('checkbox', { name: 'Director on for director-settings' });
    await on.click();
    await until('the Director off for the project', projectOf, (director) => director.enabled === false);
    await expect.poll(() => on.isChecked()).toBe(false);
    expect((await projectOf()).rules?.tdd).toEqual({ enabled: false });
    await shot(page, 'director', 'project-settings');
    await page.close();
    expect(adminErrors).toEqual([]);
  }, 60_000);
});
