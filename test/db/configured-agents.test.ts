/**
 * The agents the start-up check looks for: every role that runs an agent, and the director role only where
 * its llm-review rule can queue a review job (the Director on, the rule not turned off), so a director
 * agent nobody installed is named at start rather than when its first review fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredAgents } from '../../src/services/configured-agents.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { updateDirector } from '../../src/services/director.ts';
import { createProject } from '../../src/services/projects.ts';
import { seedDefaultRoleConfigs } from '../../src/services/role-configs.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { scratchRepository } from '../support/git.ts';

let database: TestDatabase;
let ctx: ServiceContext;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  await seedDefaultRoleConfigs(ctx);
});

afterAll(async () => {
  await database?.close();
});

async function directorUsers(): Promise<string[]> {
  const agents = await configuredAgents(database.db);
  return agents.flatMap((agent) => agent.usedBy).filter((usedBy) => usedBy.endsWith('role director'));
}

describe('configuredAgents', () => {
  it("counts the director role's agent where the llm-review rule is on, and nowhere else", async () => {
    // By default the Director is on and so is the rule: a person may ask for a review at any time.
    expect(await directorUsers()).toEqual(['role director']);

    const reviewed = await createProject(ctx, {
      name: 'reviewed',
      repository: scratchRepository(),
      settings: { director: { rules: { 'llm-review': { enabled: true } } } },
    });
    const unreviewed = await createProject(ctx, {
      name: 'unreviewed',
      repository: scratchRepository(),
      settings: { director: { rules: { 'llm-review': { enabled: false } } } },
    });
    await createProject(ctx, {
      name: 'own-director',
      repository: scratchRepository(),
      settings: { roles: { director: { backend: 'claude' } } },
    });
    const own = (await configuredAgents(database.db)).find((agent) => agent.backend === 'claude');
    expect(own?.usedBy).toEqual([expect.stringMatching(/^project \d+ \(own-director\) role director$/)]);

    // Off for the installation: only the project that turns it on for itself runs the director's agent.
    await updateDirector(ctx, { rules: { 'llm-review': { enabled: false } } });
    expect(await directorUsers()).toEqual([`project ${reviewed.id} (reviewed) role director`]);
    expect((await directorUsers()).join()).not.toContain(`project ${unreviewed.id}`);

    // The Director off: no review is queued anywhere.
    await updateDirector(ctx, { enabled: false, rules: { 'llm-review': {} } });
    expect(await directorUsers()).toEqual([]);
    const roles = (await configuredAgents(database.db)).flatMap((agent) => agent.usedBy);
    expect(roles).toEqual(expect.arrayContaining(['role pm', 'role dev', 'role cicd']));
  });
});
