import type { JobHandler } from '../handler.ts';

/** Does nothing and succeeds: for health checks and queue benchmarks. */
export const noopHandler: JobHandler = async () => ({ report: { ok: true } });
