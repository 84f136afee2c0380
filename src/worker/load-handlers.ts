/**
 * Extra job handlers from a module (`wh worker --handlers ./my-handlers.ts`): it must export `handlers`,
 * a record of job kind to handler. The built-in handlers are always there.
 *
 * `wh` itself runs compiled JavaScript, so a TypeScript module is loaded by whatever this Node can load it
 * with: its own type stripping (Node 22.18 and later), else tsx if it is installed (a devDependency of
 * Workhorse, so in a clone), registered only then.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HandlerRegistry } from './handler.ts';
import { BUILTIN_HANDLERS } from './handlers/index.ts';

async function importModule(modulePath: string): Promise<unknown> {
  const url = pathToFileURL(resolve(modulePath)).href;
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    let tsx: { register(): unknown };
    try {
      tsx = await import('tsx/esm/api');
    } catch {
      throw new Error(
        `${modulePath} is TypeScript, which this Node cannot load: install tsx, or give a JavaScript module`,
      );
    }
    tsx.register();
    // Node remembers the failed load of `url`: the same module under another URL is loaded afresh.
    return import(`${url}?tsx`);
  }
}

export async function loadHandlers(modulePath: string | undefined): Promise<HandlerRegistry> {
  if (!modulePath) return BUILTIN_HANDLERS;
  const loaded = (await importModule(modulePath)) as { handlers?: HandlerRegistry };
  if (!loaded.handlers || typeof loaded.handlers !== 'object') {
    throw new Error(`${modulePath} does not export "handlers" (a record of job kind to handler)`);
  }
  return Object.freeze({ ...BUILTIN_HANDLERS, ...loaded.handlers });
}
