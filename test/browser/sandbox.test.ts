/**
 * A server that cannot confine agents says so, where an operator looks: in its first lines, in
 * /api/status, and in a notice on the dashboard's Overview, with what it means for the runs. Here
 * bubblewrap is kept off the server's PATH; the rest of the suite checks that a confined server shows none.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  missingBrowser,
  newContext,
  type Server,
  shot,
  startServerAndBrowser,
} from './harness.ts';

const skipReason = missingBrowser();
const bin = mkdtempSync(join(tmpdir(), 'wh-no-bwrap-'));

describe.skipIf(skipReason !== null)('a server without bubblewrap', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let errors: string[];

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(bin, { recursive: true });
    symlinkSync('/usr/bin/git', join(bin, 'git'));
    ({ server, browser } = await startServerAndBrowser({ PATH: bin }));
    ({ context, errors } = await newContext(browser));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(bin, { recursive: true, force: true });
  });

  it('says so at start, in /api/status, and on the Overview, with what it means', async () => {
    expect(server.output()).toContain(
      'Agents: bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap): agents will not start',
    );
    const status = await server.api<{ sandbox: unknown }>('GET', '/api/status');
    expect(status.json.sandbox).toEqual({
      available: false,
      problem: 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap)',
      allow_unsandboxed: false,
    });
    const page = await context.newPage();
    await page.goto(server.loginUrl);
    const notice = page.getByTestId('sandbox-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('role')).toBe('alert');
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Agents are not sandboxed.');
    expect(text).toContain('bubblewrap (bwrap) is not installed');
    expect(text).toContain('Agents will not start, except in projects that accept running unconfined');
    await shot(page, 'sandbox', 'overview-notice');
    expect(errors).toEqual([]);
  });
});
