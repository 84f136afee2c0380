/**
 * The Webhooks page in a real Chromium against a real `wh serve` (WH_WEBHOOK_ALLOW_PRIVATE=true, so its
 * dispatcher may reach a receiver on 127.0.0.1) and a real receiver that verifies every signature with the
 * standardwebhooks library: an admin subscribes from the page and copies the secret shown once; a test event
 * is delivered and shows in the deliveries with its code and latency, is redelivered under the same
 * webhook-id, a 500 shows as a failed attempt and the retry as delivered; the filter is edited, the
 * subscription disabled and enabled, its secret rotated and it is deleted; one made elsewhere appears live.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, uniqueName } from '../support/postgres.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import {
  ensureBuilt,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';

const skipReason = missingBrowser();
if (skipReason) console.warn(`Skipping the browser suite: ${skipReason}`);

interface Subscription {
  id: number;
  url: string;
  enabled: boolean;
  event_types: string[];
  description: string;
}

interface InBrowser {
  navigator: { clipboard: { readText(): Promise<string> } };
}

describe.skipIf(skipReason !== null)('webhooks page', () => {
  let server: Server;
  let browser: Browser;
  let admin: BrowserContext;
  let errors: string[];
  let page: Page;
  const receiver = new WebhookReceiver();
  // On PostgreSQL: the dispatcher's outbox is the same on PGlite (the webhooks suite runs on both), and a
  // server database starts in seconds where PGlite's first start takes most of a minute on a busy machine.
  const databaseName = uniqueName('wh_browser_webhooks');

  beforeAll(async () => {
    ensureBuilt();
    await receiver.listen();
    const databaseUrl = await createDatabase(databaseName);
    ({ server, browser } = await startServerAndBrowser({
      WH_WEBHOOK_ALLOW_PRIVATE: 'true',
      DATABASE_URL: databaseUrl,
    }));
    ({ context: admin, errors } = await newContext(browser));
    await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    page = await admin.newPage();
    await page.goto(server.loginUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver.close();
    await dropDatabase(databaseName);
  });

  const subscriptions = async () => (await server.api<Subscription[]>('GET', '/api/webhooks')).json;
  const card = () => page.getByTestId('webhook-card').filter({ hasText: receiver.url() });
  const deliveryRow = (eventId: number, status: string) =>
    card()
      .getByTestId('webhook-delivery')
      .filter({ hasText: `#${eventId}` })
      .filter({ hasText: status });

  /** Sends one from the card and answers its event id, once the note names a new one. */
  async function sendTestEvent(): Promise<number> {
    const note = card()
      .getByRole('status')
      .filter({ hasText: /Test event #\d+ sent/ });
    const shown = async () =>
      (await note.count()) ? Number(/#(\d+)/.exec((await note.textContent()) ?? '')?.[1] ?? 0) : 0;
    const before = await shown();
    await card().getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(shown).toBeGreaterThan(before);
    return shown();
  }

  it('subscribes from the page, showing the secret once with a copy button', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/ui/webhooks/');
    await page.getByText('No subscriptions yet').waitFor();

    await page.getByRole('button', { name: 'New subscription' }).click();
    const form = page.getByRole('dialog', { name: 'New webhook subscription' });
    await form.getByLabel('Payload URL').fill(receiver.url());
    await form.getByLabel('Description').fill('chat relay');
    await form.getByRole('checkbox', { name: 'project.created' }).check();
    await shot(page, 'webhooks', 'new');
    await form.getByRole('button', { name: 'Create subscription' }).click();

    const reveal = page.getByRole('dialog', { name: 'Signing secret' });
    const secret = (await reveal.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await reveal.getByRole('button', { name: 'Copy' }).click();
    await reveal.getByText('Copied to the clipboard.').waitFor();
    expect(
      await page.evaluate(() => (globalThis as unknown as InBrowser).navigator.clipboard.readText()),
    ).toBe(secret);
    receiver.secrets.push(secret);
    await reveal.getByRole('button', { name: 'Close' }).click();

    const [made] = await subscriptions();
    expect(made).toMatchObject({
      url: receiver.url(),
      description: 'chat relay',
      event_types: ['project.created'],
    });
    await card().getByText('project.created').waitFor();
    // Shown once: the page, like the API, has it no more.
    expect(await page.getByText(secret).count()).toBe(0);
  }, 60_000);

  it('shows a test event delivered, redelivers it under the same webhook-id, and shows a failed attempt', async () => {
    const first = await sendTestEvent();
    await deliveryRow(first, 'delivered').getByText('204').waitFor({ timeout: 20_000 });
    expect(
      await deliveryRow(first, 'delivered')
        .getByText(/\d+ ms/)
        .count(),
    ).toBe(1);
    await shot(page, 'webhooks', 'delivered');

    await deliveryRow(first, 'delivered')
      .getByRole('button', { name: /Redeliver/ })
      .click();
    await expect.poll(() => deliveryRow(first, 'delivered').count(), { timeout: 20_000 }).toBe(2);
    const firstDeliveries = receiver.delivered().filter((entry) => entry.eventId === first);
    expect(firstDeliveries).toHaveLength(2);
    expect(new Set(firstDeliveries.map((entry) => entry.id)).size).toBe(1);
    expect(firstDeliveries.every((entry) => entry.verifiedWith.length === 1)).toBe(true);

    receiver.answer = { status: 500 };
    const second = await sendTestEvent();
    const failed = deliveryRow(second, 'failed');
    await failed.getByText('answered 500').waitFor({ timeout: 20_000 });
    expect(await failed.getByText('500', { exact: true }).count()).toBe(1);
    await shot(page, 'webhooks', 'failed');
    receiver.answer = { status: 204 };
    // The retry schedule's first wait is about five seconds.
    await deliveryRow(second, 'delivered').waitFor({ timeout: 30_000 });
  }, 90_000);

  it('edits the event filter, disables and enables, rotates the secret', async () => {
    await card().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('dialog', { name: 'Edit webhook subscription' });
    expect(await form.getByLabel('Payload URL').inputValue()).toBe(receiver.url());
    await form.getByRole('checkbox', { name: 'run.created' }).check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    await card().getByText('project.created, run.created').waitFor();
    expect((await subscriptions())[0]!.event_types).toEqual(['project.created', 'run.created']);

    await card().getByRole('button', { name: 'Disable' }).click();
    await card().getByText('disabled', { exact: true }).waitFor();
    expect((await subscriptions())[0]!.enabled).toBe(false);
    await card().getByRole('button', { name: 'Enable' }).click();
    await card().getByText('enabled', { exact: true }).waitFor();
    expect((await subscriptions())[0]!.enabled).toBe(true);

    await card().getByRole('button', { name: 'Rotate secret' }).click();
    const reveal = page.getByRole('dialog', { name: 'Signing secret' });
    await reveal.getByText('The previous secret also signs').waitFor();
    const rotated = (await reveal.getByTestId('webhook-secret').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(receiver.secrets).not.toContain(rotated);
    receiver.secrets.push(rotated);
    await reveal.getByRole('button', { name: 'Close' }).click();
    await card().getByText('Previous secret').waitFor();

    // Signed with both during the overlap.
    const third = await sendTestEvent();
    await deliveryRow(third, 'delivered').waitFor({ timeout: 20_000 });
    expect(receiver.delivered().find((entry) => entry.eventId === third)!.verifiedWith).toHaveLength(2);
  }, 60_000);

  it('shows a subscription made elsewhere live, and deletes one', async () => {
    const elsewhere = 'https://93.184.215.14/elsewhere';
    const made = await server.api<Subscription>('POST', '/api/webhooks', { url: elsewhere });
    expect(made.status).toBe(201);
    await page.getByTestId('webhook-card').filter({ hasText: elsewhere }).waitFor();

    await card().getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete subscription' });
    await confirm.getByRole('button', { name: 'Delete subscription' }).click();
    await card().waitFor({ state: 'detached' });
    expect((await subscriptions()).map((each) => each.url)).toEqual([elsewhere]);
    await shot(page, 'webhooks', 'after-delete');
    expect(errors).toEqual([]);
  }, 60_000);
});
