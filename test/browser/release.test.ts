/**
 * A run's release in a real Chromium against a real `wh serve` that runs the scripted team on a real git
 * repository: the run reaches awaiting_approval on its own, the approvals page and the run page show what the
 * deploy would ship, a rejection is shown with its note and answered with "Ask for approval again", and an
 * approval made on the run page merges the run branch into main; the page then shows the released commit,
 * and its branches section lists the run branch.
 */
import { execFileSync } from 'node:child_process';
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

interface Run {
  id: number;
  phase: string;
  branch: string;
  released_commit: string | null;
}

describe.skipIf(skipReason !== null)('release', () => {
  let server: Server;
  let browser: Browser;
  let admin: BrowserContext;
  let adminErrors: string[];
  let dir: string;
  let repo: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wh-browser-release-'));
    repo = join(dir, 'repo');
    makeRepository(repo);
    // Jobs are queued as stages are entered: the run goes from planning to its deploy approval on its own.
    ({ server, browser } = await startServerAndBrowser({ AUTO_TRIGGER_AGENTS: 'true' }));
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

  async function runOf(id: number): Promise<Run> {
    return (await server.api<Run>('GET', `/api/runs/${id}`)).json;
  }

  async function reachPhase(id: number, phase: string, ms = 80_000): Promise<Run> {
    const deadline = Date.now() + ms;
    for (;;) {
      const run = await runOf(id);
      if (run.phase === phase) return run;
      if (Date.now() > deadline)
        throw new Error(`run ${id} is ${run.phase}, not ${phase}\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function open(path: string): Promise<Page> {
    const page = await admin.newPage();
    await page.goto(`${server.base}${path}`);
    return page;
  }

  it('takes a run from its deploy approval to deployed, shown on the approvals and run pages', async () => {
    const recipe = join(dir, 'recipe.json');
    // QA edits a file on the way: reviewers' changes never count, so they are set aside under a ref.
    const [dev, qa, ...rest] = oneTaskPasses('answer');
    const qaTinkers = {
      ...qa!,
      actions: [{ write: { path: 'qa-scratch.txt', content: 'tried a thing\n' } }, ...qa!.actions],
    };
    writeFileSync(recipe, JSON.stringify({ steps: [planOne('answer'), dev, qaTinkers, ...rest] }));
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'release',
      repository: repo,
      default_branch: 'main',
      test_command: 'npm test',
      settings: scriptedSettings(recipe),
    });
    expect(project.status).toBe(201);
    const created = await server.api<Run>('POST', '/api/runs', {
      project_id: project.json.id,
      goal: 'Add answer',
    });
    expect(created.status).toBe(201);
    const runId = created.json.id;
    const run = await reachPhase(runId, 'awaiting_approval');

    // The approvals page: what the deploy would ship and how it was tested.
    const approvals = await open('/ui/approvals/');
    const item = approvals.locator('section[aria-labelledby="pending-h"] .approval', { hasText: 'Deploy' });
    await item.waitFor();
    await item.locator('summary', { hasText: '3 files' }).click();
    await item.getByText('src/answer.js').waitFor();
    expect(await item.textContent()).toContain('npm test passed (exit 0)');
    await shot(approvals, 'release', 'approvals-deploy');
    await approvals.close();

    // The run page: the notice with the same details, decided right there.
    const page = await open(`/ui/run/${runId}/`);
    const release = page.locator('section.release');
    await release.getByRole('heading', { name: 'Waiting for a deploy approval' }).waitFor();
    expect(await release.getByRole('link', { name: 'Approvals page' }).getAttribute('href')).toBe(
      '/ui/approvals/',
    );
    await release.locator('.deploy-details').waitFor();
    expect(await release.textContent()).toContain('npm test passed (exit 0)');
    expect(await page.locator('.step-current').textContent()).toContain('awaiting approval');
    await shot(page, 'release', 'run-awaiting');

    // A rejection keeps the run ready for commit, with the note, until someone asks again.
    const [pending] = (
      await server.api<{ items: { id: number }[] }>('GET', `/api/approvals?run_id=${runId}&state=pending`)
    ).json.items;
    const rejected = await server.api('POST', `/api/approvals/${pending!.id}/decide`, {
      decision: 'reject',
      note: 'Not on a Friday.',
    });
    expect(rejected.status).toBe(200);
    await release.getByRole('heading', { name: 'Ready for commit, not deployed' }).waitFor();
    await release.getByText('Not on a Friday.').waitFor();
    await shot(page, 'release', 'run-rejected');
    await release.getByRole('button', { name: 'Ask for approval again' }).click();
    await release.getByRole('heading', { name: 'Waiting for a deploy approval' }).waitFor();
    expect((await runOf(runId)).phase).toBe('awaiting_approval');

    await release.getByLabel(/^Note/).fill('Ship it.');
    await release.getByRole('button', { name: 'Approve' }).click();
    await release.getByRole('heading', { name: 'Deployed' }).waitFor({ timeout: 60_000 });
    const deployed = await runOf(runId);
    expect(deployed.phase).toBe('deployed');
    const main = execFileSync('git', ['-C', repo, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect(deployed.released_commit).toBe(main);
    expect(await release.locator('.released-commit').textContent()).toBe(main.slice(0, 7));
    expect(await release.locator('.released-commit').getAttribute('title')).toBe(main);
    expect(await release.textContent()).toContain('Ship it.');
    expect(await page.locator('.step-current').textContent()).toContain('deployed');

    // The branches: the run branch and its task's, each still in the repository after the release.
    const branches = page.locator('details.run-branches');
    await branches.getByText('Branches and saved work').click();
    const runRow = branches.locator(`tr[data-branch="${run.branch}"]`);
    await runRow.waitFor();
    expect(await runRow.textContent()).toContain('the run');
    expect(await runRow.textContent()).toContain('yes');
    await branches.getByText('Nothing is lost when Workhorse cleans up worktrees').waitFor();
    const setAside = branches.locator('[data-ref*="/discarded/task-"]');
    await setAside.waitFor();
    expect(await setAside.textContent()).toMatch(
      /task #\d+: changes a reviewer made in job #\d+, set aside, at [0-9a-f]{7}/,
    );
    const taskRow = branches.locator(`tr[data-branch^="${run.branch}-task-"]`);
    expect(await taskRow.count()).toBe(1);
    await taskRow.getByRole('link', { name: /^task #\d+$/ }).click();
    await page.getByRole('complementary', { name: /Add answer/ }).waitFor();
    await page.keyboard.press('Escape');
    await shot(page, 'release', 'run-deployed');

    // A phone opens the page at its own width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await release.getByRole('heading', { name: 'Deployed' }).waitFor();
    // Seven phases overflow a phone: the timeline is scrolled to the current one.
    const current = await page.locator('.step-current').boundingBox();
    expect(current!.x).toBeGreaterThanOrEqual(0);
    expect(current!.x + current!.width).toBeLessThanOrEqual(390);
    await shot(page, 'release', 'run-deployed-390');
    const scrollWidth = await page.evaluate(
      () => (globalThis as unknown as InPage).document.documentElement.scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await page.close();
    expect(adminErrors).toEqual([]);
  }, 180_000);
});
