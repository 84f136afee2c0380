/**
 * PGlite's data folder: the settings it runs with, and making a new one outside the server's process.
 *
 * PGlite runs PostgreSQL in WebAssembly, whose heap grows and never shrinks: every buffer it was ever given
 * stays in the process's memory. Its defaults are a server's (160 MB of shared buffers); one embedded user
 * with the operating system's file cache underneath needs far less. Creating a database (initdb) takes
 * hundreds of megabytes and seconds once, so it is done in a child process that exits, or not at all: the
 * build makes a migrated template (dist/pglite-template) that a new folder is copied from.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** postgresql.conf lines for an embedded, single-user database. */
export const PGLITE_SETTINGS = ['shared_buffers=32MB', 'wal_buffers=1MB'];

const CREATE_SCRIPT = fileURLToPath(new URL('./pglite-create.mjs', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
/** Beside the compiled modules: made by `npm run build`, absent when running the sources. */
const TEMPLATE = fileURLToPath(new URL('../pglite-template', import.meta.url));
const TEMPLATE_MARK = 'workhorse-template.json';
const run = promisify(execFile);

/** Whether `dataDir` holds a database already (PostgreSQL writes PG_VERSION when it creates one). */
export function hasPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/** The installed PGlite's version: a template made by another one may not open. */
function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
  return String(manifest.version);
}

function usableTemplate(template: string): boolean {
  try {
    const mark = JSON.parse(readFileSync(join(template, TEMPLATE_MARK), 'utf8')) as { pglite?: unknown };
    return mark.pglite === pgliteVersion();
  } catch {
    return false;
  }
}

/** A new, migrated database in `folder`, made by a child process. */
async function makeInChild(folder: string): Promise<void> {
  await run(process.execPath, [CREATE_SCRIPT, folder, JSON.stringify(PGLITE_SETTINGS), MIGRATIONS], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

function failure(dataDir: string, error: unknown): Error {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return new Error(
    `could not create the PGlite database in ${dataDir}: ${stderr || (error as Error).message}`,
  );
}

/**
 * Creates the database in `dataDir`: copied from the build's template when it fits the installed PGlite,
 * else made in a child process. Made beside it and renamed into place, so a creation cut short (killed,
 * disk full) leaves no half-made folder for the next start to trip on.
 */
export async function createPgliteFolder(dataDir: string, template = TEMPLATE): Promise<void> {
  const making = join(dirname(dataDir), `.${process.pid}-making-database`);
  rmSync(making, { recursive: true, force: true });
  mkdirSync(dirname(dataDir), { recursive: true });
  try {
    if (usableTemplate(template)) {
      cpSync(template, making, { recursive: true });
      rmSync(join(making, TEMPLATE_MARK));
    } else {
      await makeInChild(making);
    }
    renameSync(making, dataDir);
  } catch (error) {
    rmSync(making, { recursive: true, force: true });
    throw failure(dataDir, error);
  }
}

/** The build's template: a migrated database that new data folders are copied from. */
export async function makePgliteTemplate(folder: string = TEMPLATE): Promise<void> {
  rmSync(folder, { recursive: true, force: true });
  await makeInChild(folder);
  writeFileSync(join(folder, TEMPLATE_MARK), `${JSON.stringify({ pglite: pgliteVersion() })}\n`);
}
