/**
 * PGlite's data folder: the settings it runs with, and making a new one in a child process.
 *
 * PGlite runs PostgreSQL in WebAssembly, whose heap grows and never shrinks: every buffer it was ever given
 * stays in the process's memory. Its defaults are a server's (160 MB of shared buffers); one embedded user
 * with the operating system's file cache underneath needs far less. And creating a database (initdb) takes
 * hundreds of megabytes once, so it is done in a process that exits.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** postgresql.conf lines for an embedded, single-user database. */
export const PGLITE_SETTINGS = ['shared_buffers=32MB', 'wal_buffers=1MB'];

const CREATE_SCRIPT = new URL('./pglite-create.mjs', import.meta.url).pathname;
const run = promisify(execFile);

/** Whether `dataDir` holds a database already (PostgreSQL writes PG_VERSION when it creates one). */
export function hasPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the database in `dataDir` in a short-lived child process. Made beside it and renamed into place,
 * so a creation cut short (killed, disk full) leaves no half-made folder for the next start to trip on.
 */
export async function createPgliteFolder(dataDir: string): Promise<void> {
  const making = join(dirname(dataDir), `.${process.pid}-making-database`);
  rmSync(making, { recursive: true, force: true });
  mkdirSync(dirname(dataDir), { recursive: true });
  try {
    await run(process.execPath, [CREATE_SCRIPT, making, JSON.stringify(PGLITE_SETTINGS)], {
      maxBuffer: 16 * 1024 * 1024,
    });
    renameSync(making, dataDir);
  } catch (error) {
    rmSync(making, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `could not create the PGlite database in ${dataDir}: ${stderr || (error as Error).message}`,
    );
  }
}
