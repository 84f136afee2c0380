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

async function eventsAfter(database: Database, afterId: number): Promise<StoredEvent[]> {
  const result = await database.db.execute<StoredEvent>(
    sql`select id, type, payload, project_id, run_id from events where id > ${afterId} order by id`,
  );
  return result.rows;
}

function problemsOf(events: StoredEvent[]): string[] {
  const problems: string[] = [];
  for (const event of events) {
    const problem = eventProblem(event.type, event.payload);
    if (problem) problems.push(`event ${event.id}: ${problem}`);
    if (event.run_id !== null && event.project_id === null) {
      problems.push(`event ${event.id} (${event.type}) is about run ${event.run_id} but names no project`);
    }
  }
  return problems;
}

/** What is wrong with the events stored after `afterId` (all of them by default). */
export async function eventCatalogueProblems(database: Database, afterId = 0): Promise<string[]> {
  return problemsOf(await eventsAfter(database, afterId));
}

const checkedUpTo = new WeakMap<Database, number>();

/**
 * Fails when an event stored since the last check breaks the catalogue. Run after every test of the
 * database projects (test/support/check-events.ts), so the test that made the event is the one that fails,
 * and when a file closes its database.
 */
export async function assertEventsCatalogued(database: Database): Promise<void> {
  const after = checkedUpTo.get(database) ?? 0;
  let events: StoredEvent[];
  try {
    events = await withinSeconds(5, eventsAfter(database, after));
  } catch {
    // A database the test broke on purpose (dropped tables, a stopped server) has nothing to check.
    return;
  }
  checkedUpTo.set(database, Number(events.at(-1)?.id ?? after));
  const problems = problemsOf(events);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 10).join('\n  ');
  throw new Error(`${problems.length} stored event(s) break the event catalogue:\n  ${shown}`);
}

function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the database did not answer')), seconds * 1000);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The databases the current test file has open, checked after each of its tests. */
export const openTestDatabases = new Set<Database>();
