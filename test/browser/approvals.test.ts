/**
 * The Approvals page in a real Chromium against a real `wh serve`: an escalation (a task sent back to dev five
 * times) appears live on the page and on the Overview's count, an approver approves with a note or rejects
 * after confirming, a viewer reads but cannot decide, and a decision that loses a race (409) is explained.
 * Desktop and phone widths are screenshotted and checked for horizontal overflow.
 */
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

interface Approval {
  id: number;
  run_id: number;
  kind: string;
  task_id: number | null;
  job_id: number | null;
  state: string;
  decided_by: string | null;
  decision_note: string | null;
  decided_at: string | null;
}

interface Escalation {
  runId: number;
  taskId: number;
  approval: Approval;
}

describe.skipIf(skipReason !== null)('approvals', () => {
  let server: Server;
  let browser: Browser;
  let approver: BrowserContext;
  let approverErrors: string[];
  let projectId: number;

  /** A fresh browser context logged in with a new token of this role. */
  async function loginAs(name: string, role: string): Promise<{ context: BrowserContext; errors: string[] }> {
    const made = await server.api<{ token: string }>('POST', '/api/tokens', { name, role });
    expect(made.status).toBe(201);
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.base}/ui/?token=${made.json.token}`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.close();
    return { context, errors };
  }

  beforeAll(async () => {
    ensureBuilt();
    ({ server, browser } = await startServerAndBrowser());
    const project = await server.api<{ id: number }>('POST', '/api/projects', {
      name: 'approvals',
      repository: scratchRepository(),
    });
    projectId = project.json.id;
    ({ context: approver, errors: approverErrors } = await loginAs('alice', 'approver'));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A run with one task sent back to dev five times: the fifth trip holds its dev job for a decision. */
  async function escalate(title: string): Promise<Escalation> {
    const run = await server.api<{ id: number }>('POST', '/api/runs', {
      project_id: projectId,
      goal: `Ship ${title}`,
      skip_planning: true,
    });
    expect(run.status).toBe(201);
    const task = await server.api<{ id: number }>('POST', '/api/tasks', { run_id: run.json.id, title });
    expect(task.status).toBe(201);
    for (let trip = 1; trip <= 5; trip++) {
      const failed = await server.api('POST', `/api/tasks/${task.json.id}/advance-stage`, {
        result: 'fail',
        notes: `tests still red (${trip})`,
      });
      expect(failed.status).toBe(200);
    }
    const pending = await server.api<{ items: Approval[] }>(
      'GET',
      `/api/approvals?state=pending&run_id=${run.json.id}`,
    );
    expect(pending.json.items).toHaveLength(1);
    return { runId: run.json.id, taskId: task.json.id, approval: pending.json.items[0]! };
  }

  async function approvalById(id: number): Promise<Approval> {
    for (const state of ['pending', 'approved', 'rejected']) {
      const page = await server.api<{ items: Approval[] }>('GET', `/api/approvals?state=${state}&limit=500`);
      const found = page.json.items.find((approval) => approval.id === id);
      if (found) return found;
    }
    throw new Error(`approval ${id} not found`);
  }

  async function open(path: string, context = approver): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${server.base}${path}`);
    return page;
  }

  const pendingItem = (page: Page, id: number) =>
    page.locator(`section[aria-labelledby="pending-h"] [data-approval-id="${id}"]`);
  const decidedItem = (page: Page, id: number) =>
    page.locator(`section[aria-labelledby="decided-h"] [data-approval-id="${id}"]`);

  async function expectNoOverflow(page: Page, width: number): Promise<void> {
    const scrollWidth = await page.evaluate(
      () => (globalThis as unknown as InPage).document.documentElement.scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(width);
  }

  it('counts a new escalation live on the Overview and links to the Approvals page', async () => {
    const page = await open('/ui/');
    await page.locator('.live-live').waitFor();
    const card = page.locator('.stat', { hasText: 'Pending approvals' });
    await card.locator('.stat-value', { hasText: /^0$/ }).waitFor();
    await card.getByRole('link', { name: /Approvals page/ }).waitFor();

    const { approval } = await escalate('Overview counts me');
    await card.locator('.stat-value', { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
    // The escalation held the task's dev job: the queue's held count follows without a job.* event.
    const status = await server.api<{ queue: { held: number } }>('GET', '/api/status');
    expect(status.json.queue.held).toBeGreaterThan(0);
    await page
      .locator('.stat', { hasText: 'Jobs held' })
      .locator('.stat-value', { hasText: new RegExp(`^${status.json.queue.held}$`) })
      .waitFor();
    await shot(page, 'approvals', 'overview-count');
    await card.getByRole('link', { name: /Review and decide/ }).click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/ui/approvals/');
    await pendingItem(page, approval.id).waitFor();
    expect(
      await page.getByRole('link', { name: 'Approvals', exact: true }).getAttribute('aria-current'),
    ).toBe('page');
    await page.close();
  });

  it('shows an escalation made through the API on the open page, with no reload', async () => {
    const page = await open('/ui/approvals/');
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    await page.locator('.live-live').waitFor();
    await page.evaluate(() => {
      (globalThis as unknown as InPage).__marker = 'same-page';
    });

    const { runId, taskId, approval } = await escalate('Login form keeps failing QA');
    const item = pendingItem(page, approval.id);
    await item.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as InPage).__marker)).toBe('same-page');
    await item.getByText(`Task #${taskId}: Login form keeps failing QA`).waitFor();
    expect(await item.getByRole('link', { name: /^Task #/ }).getAttribute('href')).toBe(
      `/ui/run/${runId}/?task=${taskId}`,
    );
    const runLink = item.getByRole('link', { name: new RegExp(`^run #${runId}`) });
    await runLink.getByText(`run #${runId}: Ship Login form keeps failing QA`).waitFor();
    expect(await runLink.getAttribute('href')).toBe(`/ui/run/${runId}/`);
    const text = await item.textContent();
    expect(text).toContain('escalation');
    expect(text).toContain('went back to dev 5 times');
    expect(text).toContain('requested by workhorse');
    expect(text).toMatch(/waiting \d+s/);
    expect(await item.getByRole('button', { name: 'Approve' }).count()).toBe(1);
    expect(await item.getByRole('button', { name: /^Reject/ }).count()).toBe(1);
    await shot(page, 'approvals', 'pending');
    await expectNoOverflow(page, 1280);
    await page.close();
  });

  it('approves with a note, and the item moves to the decided list', async () => {
    const { approval } = await escalate('Cache invalidation');
    const page = await open('/ui/approvals/');
    const item = pendingItem(page, approval.id);
    await item.waitFor();
    await item.getByLabel(/^Note/).fill('One more try: the flaky test is quarantined now.');
    await item.getByRole('button', { name: 'Approve' }).click();

    await page
      .getByRole('status')
      .filter({ hasText: `Approved #${approval.id}` })
      .waitFor();
    await item.waitFor({ state: 'detached' });
    const done = decidedItem(page, approval.id);
    await done.waitFor();
    const text = await done.textContent();
    expect(text).toContain('Approved by alice');
    expect(text).toContain('One more try: the flaky test is quarantined now.');
    await shot(page, 'approvals', 'approved');

    const stored = await approvalById(approval.id);
    expect(stored.state).toBe('approved');
    expect(stored.decided_by).toBe('alice');
    expect(stored.decision_note).toBe('One more try: the flaky test is quarantined now.');
    expect(stored.decided_at).not.toBeNull();
    // The held dev job is released (queued, or held again only if the run waits for a trigger).
    const job = await server.api<{ state: string }>('GET', `/api/jobs/${approval.job_id}`);
    expect(job.json.state).not.toBe('cancelled');
    await page.close();
  });

  it('asks before rejecting, and a rejection cancels the held job', async () => {
    const { approval } = await escalate('Search ranking');
    const page = await open('/ui/approvals/');
    const item = pendingItem(page, approval.id);
    await item.waitFor();
    await item.getByRole('button', { name: /^Reject/ }).click();
    const dialog = page.getByRole('dialog', { name: `Reject approval #${approval.id}?` });
    await dialog.waitFor();
    // The safe choice has focus; Escape backs out without deciding.
    expect(
      await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.textContent),
    ).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await approvalById(approval.id)).state).toBe('pending');

    await item.getByRole('button', { name: /^Reject/ }).click();
    await dialog.getByLabel(/^Note/).fill('Needs a design decision first.');
    await shot(page, 'approvals', 'reject-confirm');
    await dialog.getByRole('button', { name: 'Reject', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Rejected #${approval.id}` })
      .waitFor();
    const done = decidedItem(page, approval.id);
    await done.waitFor();
    expect(await done.textContent()).toContain('Rejected by alice');
    expect(await done.textContent()).toContain('Needs a design decision first.');

    const stored = await approvalById(approval.id);
    expect(stored.state).toBe('rejected');
    expect(stored.decision_note).toBe('Needs a design decision first.');
    const job = await server.api<{ state: string }>('GET', `/api/jobs/${approval.job_id}`);
    expect(job.json.state).toBe('cancelled');

    // The outcome filter pages through one kind of decision.
    await page.getByLabel('Outcome').selectOption('approved');
    await done.waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('state')).toBe('approved');
    await page.getByLabel('Outcome').selectOption('rejected');
    await done.waitFor();
    await page.close();
  });

  it('shows a viewer the pending items without decide buttons', async () => {
    const { approval } = await escalate('Viewer can only look');
    const { context } = await loginAs('victor', 'viewer');
    try {
      const page = await open('/ui/approvals/', context);
      const item = pendingItem(page, approval.id);
      await item.waitFor();
      await page.getByText('deciding needs the approve permission').waitFor();
      expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Reject/ }).count()).toBe(0);
      expect(await page.getByLabel(/^Note/).count()).toBe(0);
      await shot(page, 'approvals', 'viewer');

      await page.setViewportSize({ width: 390, height: 844 });
      await item.waitFor();
      await shot(page, 'approvals', 'viewer-390');
      await expectNoOverflow(page, 390);

      const status = await page.evaluate(async (id) => {
        const response = await fetch(`/api/approvals/${id}/decide`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve' }),
        });
        return response.status;
      }, approval.id);
      expect(status).toBe(403);
      expect((await approvalById(approval.id)).state).toBe('pending');
    } finally {
      await context.close();
    }
  });

  it('explains a 409 when someone else decided first', async () => {
    const { approval } = await escalate('Two approvers race');
    // Its own context: the 409 is logged as a failed request, which the other tests count as an error.
    const { context } = await loginAs('bob', 'approver');
    try {
      const page = await open('/ui/approvals/', context);
      const item = pendingItem(page, approval.id);
      await item.waitFor();
      // The admin decides just before bob's request reaches the server.
      await page.route(`**/api/approvals/${approval.id}/decide`, async (route) => {
        const first = await server.api('POST', `/api/approvals/${approval.id}/decide`, {
          decision: 'approve',
          note: 'admin got there first',
        });
        expect(first.status).toBe(200);
        await route.continue();
      });
      await item.getByRole('button', { name: /^Reject/ }).click();
      await page
        .getByRole('dialog', { name: `Reject approval #${approval.id}?` })
        .getByRole('button', { name: 'Reject', exact: true })
        .click();

      const alert = page.getByRole('alert').filter({ hasText: 'already decided by someone else' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(`Approval #${approval.id}`);
      expect(await alert.textContent()).toContain('(approved)');
      await item.waitFor({ state: 'detached' });
      const done = decidedItem(page, approval.id);
      await done.waitFor();
      expect(await done.textContent()).toContain('admin got there first');
      await shot(page, 'approvals', 'conflict');

      await page.setViewportSize({ width: 390, height: 844 });
      await alert.waitFor();
      await shot(page, 'approvals', 'conflict-390');
      await expectNoOverflow(page, 390);

      const stored = await approvalById(approval.id);
      expect(stored.state).toBe('approved');
      expect(stored.decided_by).not.toBe('bob');
    } finally {
      await context.close();
    }
  });

  it('fits a phone: pending and decided items, no horizontal overflow', async () => {
    const title = 'A task title long enough to wrap across several lines on a narrow phone screen';
    const { taskId } = await escalate(title);
    const page = await approver.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.base}/ui/approvals/`);
    await page.getByRole('button', { name: 'Approve' }).first().waitFor();
    await page.locator('section[aria-labelledby="decided-h"] .approval').first().waitFor();
    // Task titles and run goals arrive after the list; wait for the newest so the picture is complete.
    await page.getByText(`Task #${taskId}: ${title}`).waitFor();
    await page.getByText(`: Ship ${title}`).waitFor();
    await shot(page, 'approvals', 'phone-390');
    await expectNoOverflow(page, 390);
    await page.close();
    expect(approverErrors).toEqual([]);
  });
});
