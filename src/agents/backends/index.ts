/** Every agent backend by name, as projects and role configs name them. */
import type { AgentBackend } from '../types.ts';
import { claudeBackend } from './claude.ts';
import { codexBackend } from './codex.ts';
import { commandBackend } from './command.ts';
import { geminiBackend } from './gemini.ts';
import { gooseBackend } from './goose.ts';
import { opencodeBackend } from './opencode.ts';
import { scriptedBackend } from './scripted.ts';

export const BACKENDS: Readonly<Record<string, AgentBackend>> = Object.freeze({
  [claudeBackend.name]: claudeBackend,
  [codexBackend.name]: codexBackend,
  [gooseBackend.name]: gooseBackend,
  [opencodeBackend.name]: opencodeBackend,
  [geminiBackend.name]: geminiBackend,
  [commandBackend.name]: commandBackend,
  [scriptedBackend.name]: scriptedBackend,
});

export function backendNamed(name: string): AgentBackend {
  // Own properties only, so 'toString' or '__proto__' is an unknown backend, not a crash later.
  const backend = Object.hasOwn(BACKENDS, name) ? BACKENDS[name] : undefined;
  if (!backend) {
    throw new Error(
      `Unknown agent backend ${JSON.stringify(name)}; known: ${Object.keys(BACKENDS).join(', ')}`,
    );
  }
  return backend;
}
