/**
 * What every agent backend shares: how it is invoked, and the normalized events its output stream is
 * parsed into. One small file per backend (backends/<name>.ts) knows its CLI; the runner (runner.ts) knows
 * processes, timeouts and environments.
 */

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
}

export interface CommandLine {
  command: string;
  args: string[];
  /** Sent on stdin, then stdin is closed; null sends nothing (stdin closed at once). */
  stdin: string | null;
  /** Variables the backend sets itself (never secrets), e.g. GOOSE_MODE=auto. */
  env: Record<string, string>;
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
  commandLine(invocation: AgentInvocation, binary: string): CommandLine;
  createParser(): StreamParser;
}
