/**
 * Every test database is checked against the event catalogue when its test file closes it: whatever the
 * tests made Workhorse do (services, raw-SQL queue statements, worker processes writing to this database),
 * each stored event must be a catalogued type with a payload of its catalogued shape, and an event about a
 * run must name the run's project (project-filtered feeds and webhooks depend on it).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { eventProblem } from '../../src/domain/events.ts';

type StoredEvent = {
  id: number;
  type: string;
  payload: unknown;
  project_id: number | null;
  run_id: number | null;
};

export async function eventCatalogueProblems(database: Database): Promise<string[]> {
  const result = await database.db.execute<StoredEvent>(
    sql`select id, type, payload, project_id, run_id from events order by id`,
  );
  const problems: string[] = [];
  for (const event of result.rows) {
    const problem = eventProblem(event.type, event.payload);
    if (problem) problems.push(`event ${event.id}: ${problem}`);
    if (event.run_id !== null && event.project_id === null) {
      problems.push(`event ${event.id} (${event.type}) is about run ${event.run_id} but names no project`);
    }
  }
  return problems;
}

export async function assertEventsCatalogued(database: Database): Promise<void> {
  let problems: string[];
  try {
    problems = await eventCatalogueProblems(database);
  } catch {
    // A database the test broke on purpose (dropped tables, a stopped server) has nothing to check.
    return;
  }
  if (problems.length === 0) return;
  const shown = problems.slice(0, 10).join('\n  ');
  throw new Error(`${problems.length} stored event(s) break the event catalogue:\n  ${shown}`);
}
