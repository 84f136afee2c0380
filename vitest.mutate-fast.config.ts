import { defineConfig } from 'vitest/config';

/** The fast part of mutation testing: the unit tests alone (no database), for the pure core. */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    include: ['src/**/*.test.ts'],
  },
});
