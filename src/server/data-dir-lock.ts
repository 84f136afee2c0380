/**
 * One process owns a PGlite data folder. It holds an OS lock (flock) on `wh.lock` for as long as it lives:
 * the kernel drops it when the process ends, however it ends, so a stale lock cannot exist and a pid that
 * another process reused cannot block a start. The pid written in the file only names the owner in the
 * error message; it is never trusted.
 */
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';
import { UserError } from '../errors/user-error.ts';

export class DataDirLockedError extends UserError {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Creates the data folder if needed, readable by its owner only (it holds the database, tokens and
 * worktrees): a folder other users could read is tightened to 700.
 */
export function ensurePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

export function lockDataDir(dataDir: string): DataDirLock {
  ensurePrivateDataDir(dataDir);
  const path = join(dataDir, 'wh.lock');
  const fd = openSync(path, 'a+', 0o600);
  if (!tryLock(fd)) {
    closeSync(fd);
    const owner = readFileSync(path, 'utf8').trim();
    throw new DataDirLockedError(
      `the data folder ${dataDir} is in use by another Workhorse process${owner ? ` (pid ${owner})` : ''}; stop it, or set WH_DATA_DIR to another folder, or use DATABASE_URL=postgres://... to share one database between processes`,
    );
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      unlock(fd);
      closeSync(fd);
    },
  };
}
