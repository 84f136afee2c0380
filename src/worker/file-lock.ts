/**
 * An exclusive lock between the processes of one machine, held on a file with the OS's own lock: waited
 * for, never polled, and released by the kernel if its holder dies, so a killed worker never leaves it
 * taken. For work on files several workers share (a run's integration worktree).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { unlock, waitForLock } from 'fs-native-extensions';

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a+', 0o600);
  try {
    await waitForLock(fd);
    try {
      return await fn();
    } finally {
      unlock(fd);
    }
  } finally {
    closeSync(fd);
  }
}
