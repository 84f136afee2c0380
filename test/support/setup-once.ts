/**
 * Setup shared by a file's tests whose failure fails every test that needs it. A failing `beforeAll` only
 * marks its tests skipped, which a mutation-testing run reads as "nothing broke": here each test awaits
 * the setup and fails with its error instead.
 */
import { beforeAll } from 'vitest';

export function setupOnce(setup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  beforeAll(() => {
    done = setup();
    // Reported by the tests that await it, not as an unhandled rejection.
    done.catch(() => {});
  });
  return () => done ?? Promise.reject(new Error('setupOnce: the setup has not started'));
}
