import { describe, expect, it } from 'vitest';
import { toJob } from './job-row.ts';

describe('toJob', () => {
  it("maps a raw row's column names and driver values to the Job shape", () => {
    const job = toJob({
      id: '9007199254740',
      run_id: '12',
      task_id: null,
      kind: 'stage',
      attempt: 2,
      created_at: '2026-11-28 04:30:00.5+00',
      lease_token: '5b0f3a52-0b8f-4a4c-9a39-3d4c2f0d6b1e',
    });
    expect(job.id).toBe(9007199254740);
    expect(job.runId).toBe(12);
    expect(job.kind).toBe('stage');
    expect(job.attempt).toBe(2);
    expect(job.createdAt).toEqual(new Date('2026-11-28T04:30:00.500Z'));
    expect(job.leaseToken).toBe('5b0f3a52-0b8f-4a4c-9a39-3d4c2f0d6b1e');
  });

  it('gives null for a null or missing column, never a mapped NaN or epoch', () => {
    const job = toJob({ id: '1', task_id: null, finished_at: null, lease_owner: null });
    expect(job.taskId).toBeNull();
    expect(job.finishedAt).toBeNull();
    expect(job.leaseOwner).toBeNull();
    expect(job.leaseExpiresAt).toBeNull();
    expect(Object.keys(job)).toContain('finishedAt');
  });
});
