/**
 * What every agent backend shares: how it is invoked, and the normalized events its output stream is
 * parsed into. One small file per backend (backends/<name>.ts) knows its CLI; the runner (runner.ts) knows
 * processes, timeouts and environments.
 */

import type { HomeNeeds } from './agent-home.ts';

/** Normalized events parsed from an agent's output. Unknown input is ignored, never an error. */
export type AgentEvent =
  | { type: 'session'; sessionId: string }
  | { type: 'message'; text: string }
  | { type: 'tool_call'; name: string; input: unknown }
  | { type: 'tool_result'; ok: boolean; output: string }
  | { type: 'file_edit'; path: string; kind: 'add' | 'update' | 'delete' }
  | { type: 'needs_input'; question: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number; costUsd: number | null }
  | { type: 'result'; ok: boolean; text: string }
  | { type: 'error'; message: string };

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** The CLI's own estimate; null when the CLI reports no cost. */
  costUsd: number | null;
}

/** What a finished run of an agent amounted to, by the backend's own success test. */
export interface AgentSummary {
  ok: boolean;
  sessionId: string | null;
  finalText: string;
  /** Why it is not ok: the CLI's error, or a specific reason (auth failure, max turns, ...). */
  error: string | null;
  usage: Usage;
}

/** A stateful parser fed stdout line by line. */
export interface StreamParser {
  line(text: string): AgentEvent[];
  /** Called once when the process has exited; `exitCode` null means it was killed. */
  finish(exitCode: number | null): AgentSummary;
}

export interface AgentInvocation {
  prompt: string;
  /** The task's worktree; the process runs with it as cwd. */
  cwd: string;
  model: string | null;
  /** A session to resume, where the CLI supports it. */
  resumeSessionId?: string | null;
  maxTurns?: number | null;
  /**
   * What the work is (role, task, attempt, ...). Real CLIs ignore these; the scripted backend uses them to
   * pick the recipe step to play.
   */
  labels?: Readonly<Record<string, string>>;
  /** A model endpoint the user chose (a local or company gateway); null uses the CLI's own provider. */
  endpoint?: ModelEndpoint | null;
  /**
   * Whether Workhorse's sandbox confines the agent. A CLI's own sandbox would then nest inside it, where it
   * cannot work (codex's cannot write a file without the capabilities Workhorse's sandbox takes away).
   */
  confined?: boolean;
}

/** Where a role's agent sends its model requests instead of the CLI's default provider. */
export interface ModelEndpoint {
  /** The API's base URL, as the CLI's provider setting takes it (e.g. http://127.0.0.1:11434/v1). */
  baseUrl: string;
  /** The name of Workhorse's environment variable that holds the endpoint's key; null for none. */
  apiKeyEnv: string | null;
}

export interface CommandLine {
  command: string;
  args: string[];
  /** Sent on stdin, then stdin is closed; null sends nothing (stdin closed at once). */
  stdin: string | null;
  /** Variables the backend sets itself (never secrets), e.g. GOOSE_MODE=auto. */
  env: Record<string, string>;
  /** Files written into the agent's private home before it starts (path relative to HOME → content). */
  homeFiles?: Record<string, string>;
  /** Host variables this run passes by name beyond the backend's own keys (an endpoint's key variable). */
  passKeys?: string[];
  /** Variables set from another host variable's value: an endpoint's key under the name the CLI reads. */
  keysFrom?: Record<string, string>;
}

/** What a backend can see before it starts: the environment it would get, and files in its home. */
export interface CredentialCheck {
  env: Readonly<Record<string, string>>;
  hasHomeFile(rel: string): boolean;
  /** A settings file in the agent's home (copied from the user's, or written by the adapter), or null. */
  readHomeFile(rel: string): string | null;
  endpoint: ModelEndpoint | null;
  model: string | null;
}

export interface AgentBackend {
  readonly name: string;
  /** The executable looked up on PATH unless a project configures another path. */
  readonly defaultBinary: string;
  /**
   * Names of the host's variables this backend needs (its keys, provider and base URL settings). Only
   * these, and only when set, pass from Workhorse's environment to the agent.
   */
  readonly envKeys: readonly string[];
  /** What the CLI needs from the user's home: its login (shown read-only) and settings (copied). */
  readonly home: HomeNeeds;
  /**
   * Why this CLI could not authenticate as configured (no key, no login), or null. Checked before it
   * starts, so a job fails in a second with the reason instead of hanging or falling back to a provider
   * the user did not choose.
   */
  credentialProblem(check: CredentialCheck): string | null;
  commandLine(invocation: AgentInvocation, binary: string): CommandLine;
  createParser(): StreamParser;
}
