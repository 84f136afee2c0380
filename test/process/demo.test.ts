/**
 * `wh demo --yes` as a user runs it on a fresh machine: a child process with no server, no API key and no
 * network use, in a folder of its own. It must reach `deployed`; the run's events (read back from the demo's
 * own PGlite database) show QA's and SEC's loop-backs to DEV and the fix task made from SEC's medium finding;
 * the sample's main branch has the run merged in; and the deploy folder holds the service, which answers a
 * search over real HTTP.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { events, tasks } from '../../src/db/schema.ts';
import { git } from '../../src/worker/git.ts';
import {
  killChildren,
  removeTempDirs,
  startServe,
  stop,
  tempDir,
  wh,
  within,
} from '../support/wh-process.ts';

afterAll(() => {
  killChildren();
  removeTempDirs();
});

/** The demo on a loaded 2-core machine: about twenty agent jobs, each with its confined test gate. */
const DEMO_MS = 540_000;

describe('wh demo --yes', () => {
  it(
    'builds the search through every stage, loops back on QA and SEC, makes a fix task, and deploys',
    async () => {
      const dir = join(tempDir(), 'demo');
      const demo = wh(['demo', '--yes', '--dir', dir], {});
      const exit = await within(demo.exited, DEMO_MS, 'wh demo --yes');
      const out = demo.stdout();
      expect({ code: exit.code, stderr: demo.stderr() }).toEqual({ code: 0, stderr: '' });
      expect(out).toMatch(/^run 1: deploying -> deployed$/m);
      expect(out).toMatch(/^task 1: QA failed it, back to DEV: .*gate test failed \(exit 1\): node --test$/m);
      expect(out).toMatch(/^task 1: SEC failed it, back to DEV: .*regular expression/m);
      expect(out).toMatch(/^loop-backs to DEV: 1 from QA, 1 from SEC$/m);
      expect(out).toMatch(
        /^tasks: 2 \(1 planned, 1 from findings: task 2 "Fix: the search query has no length limit"\)$/m,
      );
      expect(out).toMatch(/^time: \d+\.\d s$/m);

      const database = await openDatabase({ dataDir: join(dir, 'data', 'pglite') });
      try {
        const results = (await database.db.select().from(events).orderBy(asc(events.id)))
          .filter((event) => event.type === 'task.stage_result')
          .map((event) => [event.taskId, event.payload.from, event.payload.to, event.payload.fix_task_ids]);
        const [search, fix] = await database.db.select().from(tasks).orderBy(asc(tasks.id));
        expect(fix).toMatchObject({ source: 'finding', priority: 7, pipelineStage: 'complete' });
        expect(search).toMatchObject({ source: 'pm', loopBacks: 2, pipelineStage: 'complete' });
        expect(results).toEqual([
          [search!.id, 'dev', 'qa', []],
          [search!.id, 'qa', 'dev', []],
          [search!.id, 'dev', 'qa', []],
          [search!.id, 'qa', 'sec', []],
          [search!.id, 'sec', 'dev', []],
          [search!.id, 'dev', 'qa', []],
          [search!.id, 'qa', 'sec', []],
          [search!.id, 'sec', 'docs', [fix!.id]],
          [search!.id, 'docs', 'complete', []],
          [fix!.id, 'dev', 'qa', []],
          [fix!.id, 'qa', 'sec', []],
          [fix!.id, 'sec', 'docs', []],
          [fix!.id, 'docs', 'complete', []],
        ]);
      } finally {
        await database.close();
      }

      // The sample's main branch got the run, docs included.
      const repo = join(dir, 'crud-service');
      expect(await git(repo, ['show', 'main:README.md'])).toContain('GET | /items?q=milk');
      expect(await git(repo, ['show', 'main:src/search.js'])).toContain('MAX_QUERY_LENGTH');

      // The deployed copy is the service with its search, and it serves.
      const deployed = join(dir, 'deployed');
      expect(existsSync(join(deployed, 'package.json'))).toBe(true);
      expect(readFileSync(join(deployed, 'README.md'), 'utf8')).toContain(
        'more than 100 characters is refused',
      );
      const { createApp } = (await import(join(deployed, 'src', 'app.js'))) as {
        createApp(): import('node:http').Server;
      };
      const server = createApp();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`;
        for (const name of ['Milk', 'Bread', 'Oat milk'])
          await fetch(base, { method: 'POST', body: JSON.stringify({ name }) });
        const found = (await (await fetch(`${base}?q=MILK`)).json()) as { name: string }[];
        expect(found.map((item) => item.name)).toEqual(['Milk', 'Oat milk']);
        expect((await fetch(`${base}?q=${'m'.repeat(101)}`)).status).toBe(400);
      } finally {
        server.close();
      }
    },
    DEMO_MS + 60_000,
  );

  it(
    'drives a running server given by --url and its token, leaving that server running with the run deployed',
    async () => {
      const server = await startServe(join(tempDir(), 'server-data'));
      try {
        const dir = join(tempDir(), 'demo-on-a-server');
        const demo = wh(['--url', server.base, '--token', server.token, 'demo', '--yes', '--dir', dir], {});
        const exit = await within(demo.exited, DEMO_MS, 'wh demo --yes --url');
        expect({ code: exit.code, stderr: demo.stderr() }).toEqual({ code: 0, stderr: '' });
        const out = demo.stdout();
        expect(out).not.toMatch(/^server: .*temporary/m);
        expect(out).toMatch(/^run \d+: deploying -> deployed$/m);
        // The run is that server's: it answers for it after the demo has gone.
        const runs = (await (
          await fetch(`${server.base}/api/runs`, { headers: { authorization: `Bearer ${server.token}` } })
        ).json()) as { items: { phase: string; goal: string }[] };
        expect(runs.items).toEqual([
          expect.objectContaining({ phase: 'deployed', goal: 'Let people search the items by name' }),
        ]);
        expect(server.wh.child.exitCode).toBeNull();
      } finally {
        await stop(server.wh);
      }
    },
    DEMO_MS + 60_000,
  );
});
