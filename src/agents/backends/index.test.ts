import { describe, expect, it } from 'vitest';
import { AGENT_BACKEND_NAMES } from '../../domain/backend-names.ts';
import { BACKENDS, backendNamed } from './index.ts';

describe('backends', () => {
  it('lists each backend under its own name', () => {
    expect(Object.keys(BACKENDS).sort()).toEqual([
      'claude',
      'codex',
      'command',
      'gemini',
      'goose',
      'opencode',
      'scripted',
    ]);
    for (const [name, backend] of Object.entries(BACKENDS)) expect(backend.name).toBe(name);
    // The names the dashboard offers are these, in this order.
    expect(Object.keys(BACKENDS)).toEqual([...AGENT_BACKEND_NAMES]);
  });

  it('finds a backend by name', () => {
    expect(backendNamed('codex')).toBe(BACKENDS.codex);
  });

  it.each(['aider', 'toString', '__proto__', ''])('rejects %j, naming the known backends', (name) => {
    expect(() => backendNamed(name)).toThrow(
      `Unknown agent backend ${JSON.stringify(name)}; known: claude, codex, goose, opencode, gemini, command, scripted`,
    );
  });
});
