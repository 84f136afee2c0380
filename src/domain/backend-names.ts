/** The agent backends by name, as a project's settings name them (src/agents/backends has each one). */
export const AGENT_BACKEND_NAMES = Object.freeze([
  'claude',
  'codex',
  'goose',
  'opencode',
  'gemini',
  'command',
  'scripted',
] as const);
