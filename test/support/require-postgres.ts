/** Setup file of the PostgreSQL project: without a server every test is skipped, with the reason. */
import { beforeEach, inject } from 'vitest';

const reason = inject('pgMissingReason');
if (reason) {
  console.warn(`skipping: ${reason}`);
  beforeEach((context) => context.skip(reason));
}
