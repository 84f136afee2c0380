/**
 * The event catalogue guards every test database (test/support/event-catalogue.ts checks each one when its
 * file closes it). Here: that the check finds what it must, so its silence elsewhere means something.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventCatalogueProblems } from '../support/event-catalogue.ts';

let database: TestDatabase;
let runId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  const ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  const project = await createProject(ctx, { name: 'catalogue', repository: '/repo' });
  runId = (await createRun(ctx, { projectId: project.id, goal: 'events', skipPlanning: true })).run.id;
});

afterAll(() => database?.close());

describe('the stored-event check', () => {
  it('passes what the services wrote', async () => {
    expect(await eventCatalogueProblems(database)).toEqual([]);
  });

  it('names an uncatalogued type, a payload of the wrong shape, and a run event with no project', async () => {
    const bad = await database.db
      .insert(events)
      .values([
        // Written past the column's type, as only raw SQL could: the type is not in the catalogue.
        { type: sql`'run.phase_moved'`, runId, payload: { from: 'building', to: 'testing' } },
        { type: 'job.claimed', payload: { kind: 'stage', attempt: '1', worker: 'w', extra: true } },
        { type: 'token.revoked', runId, payload: { token_id: 3, name: 'ci' } },
      ])
      .returning({ id: events.id });
    const [unknown, wrongShape, noProject] = bad.map((row) => row.id);
    try {
      const problems = await eventCatalogueProblems(database);
      expect(problems).toHaveLength(4);
      expect(problems[0]).toBe(`event ${unknown}: "run.phase_moved" is not a catalogued event type`);
      expect(problems[1]).toBe(
        `event ${unknown} (run.phase_moved) is about run ${runId} but names no project`,
      );
      expect(problems[2]).toMatch(new RegExp(`^event ${wrongShape}: job.claimed: .*attempt.*`));
      expect(problems[2]).toContain('extra');
      expect(problems[3]).toBe(
        `event ${noProject} (token.revoked) is about run ${runId} but names no project`,
      );
    } finally {
      await database.db.execute(sql`delete from events where id >= ${unknown!}`);
    }
  });
});
