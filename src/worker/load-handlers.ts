/**
 * Extra job handlers from a module (`wh worker --handlers ./my-handlers.ts`): it must export `handlers`,
 * a record of job kind to handler. The built-in handlers are always there.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HandlerRegistry } from './handler.ts';
import { BUILTIN_HANDLERS } from './handlers/index.ts';

export async function loadHandlers(modulePath: string | undefined): Promise<HandlerRegistry> {
  if (!modulePath) return BUILTIN_HANDLERS;
  const loaded = (await import(pathToFileURL(resolve(modulePath)).href)) as { handlers?: HandlerRegistry };
  if (!loaded.handlers || typeof loaded.handlers !== 'object') {
    throw new Error(`${modulePath} does not export "handlers" (a record of job kind to handler)`);
  }
  return Object.freeze({ ...BUILTIN_HANDLERS, ...loaded.handlers });
}
