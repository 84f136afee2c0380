/** A job's log as the dashboard keeps it: its text, when each chunk of it was written, and live chunks. */
import type { ChunkTime } from './log-steps.ts';

/** A log's text with when each chunk of it was written. */
export interface TimedLog {
  text: string;
  times: ChunkTime[];
}

export function appended(log: TimedLog, chunk: string, at: number): TimedLog {
  return { text: log.text + chunk, times: [...log.times, { offset: log.text.length, at }] };
}

/**
 * The chunks that arrived during a read and are not in what it read: the log read holds the first k of
 * them (those written before the read), the largest k whose joined text ends the log.
 */
export function unread<T extends { chunk: string }>(log: string, arrived: readonly T[]): readonly T[] {
  for (let held = arrived.length; held > 0; held--) {
    const joined = arrived
      .slice(0, held)
      .map((item) => item.chunk)
      .join('');
    if (log.endsWith(joined)) return arrived.slice(held);
  }
  return arrived;
}
