/**
 * Set up for every test file of the database projects: after each test, the events it made must match the
 * catalogue (test/support/event-catalogue.ts), so a service that writes a wrong event fails the very test
 * that exercised it.
 */
import { afterEach } from 'vitest';
import { assertEventsCatalogued, openTestDatabases } from './event-catalogue.ts';

afterEach(async () => {
  for (const database of openTestDatabases) await assertEventsCatalogued(database);
});
