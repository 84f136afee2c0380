export { startModelServer } from './server.ts';
export type {
  Intent,
  ModelServer,
  ModelServerOptions,
  RecordedRequest,
  Script,
  ScriptContext,
  ScriptSource,
  Turn,
  WireApi,
} from './types.ts';
