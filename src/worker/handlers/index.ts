import type { HandlerRegistry } from '../handler.ts';
import { noopHandler } from './noop.ts';

/** The job kinds every worker can run. Agent stage handlers join these with the agents. */
export const BUILTIN_HANDLERS: HandlerRegistry = Object.freeze({ noop: noopHandler });
