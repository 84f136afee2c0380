/**
 * One Director pass reads what several rules share once: the passed stage jobs, and each task branch's
 * changes (six rules start from the same ones). A later pass reads them afresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Director } from '../../src/director/director.ts';
import type { DirectorRule, DirectorView } from '../../src/director/rule.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { updateDirector } from '../../src/services/director.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
const root = mkdtempSync(join(tmpdir(), 'wh-director-pass-'));

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  await updateDirector(ctx, { enabled: true });
});

afterAll(async () => {
  await database.close();
  rmSync(root, { recursive: true, force: true });
});

/** A rule that only records what the view gave it. */
function recording(seen: unknown[][]): DirectorRule {
  return {
    name: 'tdd',
    async propose(view: DirectorView) {
      seen.push([
        await view.passedStages(),
        await view.changesOf(join(root, 'absent'), 1, 'wh/run-1', 1),
        view.changesOf(join(root, 'absent'), 1, 'wh/run-1', 1),
      ]);
      return [];
    },
  };
}

it('gives every rule of a pass the same reads, and the next pass new ones', async () => {
  const seen: unknown[][] = [];
  const director = new Director({
    db: database.db,
    workspace: join(root, 'data'),
    autoTriggerAgents: true,
    rules: [recording(seen), recording(seen)],
  });
  try {
    await director.tick();
    await director.tick();
  } finally {
    await director.stop();
  }
  const [first, second, third] = seen;
  expect(first![0]).toEqual([]);
  // The same array and the same pending read: one query and one git read for both rules.
  expect(second![0]).toBe(first![0]);
  expect(second![2]).toBe(first![2]);
  expect(third![0]).not.toBe(first![0]);
  expect(third![2]).not.toBe(first![2]);
});
