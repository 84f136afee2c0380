/**
 * Reading the report an agent left in its worktree. Workhorse reads it outside the sandbox, so it never
 * follows a link (an agent could point `bugs.json` at the admin token, and a parse error would quote it),
 * never opens anything but a regular file (a FIFO would block the worker), and never reads more than a
 * report can sensibly be.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { type ParseResult, parseReport } from '../domain/reports.ts';

export const MAX_REPORT_BYTES = 1_000_000;

type Read = { text: string | null } | { problem: string };

function readRegularFile(dir: string, file: string): Read {
  let fd: number;
  try {
    fd = openSync(join(dir, file), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: null };
    if (code === 'ELOOP') return { problem: `${file} is a symbolic link; a report must be a regular file` };
    return { problem: `${file} could not be read (${code})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `${file} is not a regular file` };
    if (stat.size > MAX_REPORT_BYTES) return { problem: `${file} is larger than ${MAX_REPORT_BYTES} bytes` };
    const buffer = Buffer.alloc(stat.size);
    const length = stat.size === 0 ? 0 : readSync(fd, buffer, 0, stat.size, 0);
    return { text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/** The report `file` in `dir`, read safely and parsed against `schema`. */
export function loadReport<T>(schema: z.ZodType<T>, dir: string, file: string): ParseResult<T> {
  const read = readRegularFile(dir, file);
  if ('problem' in read) return { ok: false, error: read.problem };
  return parseReport(schema, file, read.text);
}
