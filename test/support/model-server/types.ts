/**
 * The vocabulary of the scripted model server: what a script says (abstract intents), what a parsed
 * request of any wire API looks like, and what the server answers before it is rendered in that API.
 */

/** One thing the scripted model does in a turn. Tool intents are mapped to each CLI's own tools. */
export type Intent =
  | { write: { path: string; content: string } }
  | { bash: { command: string } }
  | { text: string }
  | { done: string };

/** A turn is one model response: text and/or tool calls. A turn with no tool call ends the run. */
export type Turn = Intent | readonly Intent[];
export type Script = readonly Turn[];

export type WireApi = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';

/** What a script function is told about a request, to choose a script (e.g. by a marker in the prompt). */
export interface ScriptContext {
  api: WireApi;
  model: string;
  /** All user text of the conversation, joined by newlines. */
  prompt: string;
  system: string;
  toolNames: string[];
}

export type ScriptSource = Script | ((context: ScriptContext) => Script);

/** A tool the CLI offers, reduced to what the mapping needs. */
export interface ToolSpec {
  name: string;
  /** `custom` is a Responses API freeform tool (its input is a plain string, e.g. codex's apply_patch). */
  kind: 'function' | 'custom';
  properties: Record<string, JsonSchema>;
  required: string[];
}

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  anyOf?: JsonSchema[];
}

/** Any wire request, reduced to what choosing and shaping an answer needs. */
export interface ParsedRequest {
  model: string;
  stream: boolean;
  tools: ToolSpec[];
  /** Ids of the tool results carried by the last message (empty when it holds none). */
  lastToolResultIds: string[];
  /** Ids of every tool result in the conversation. */
  allToolResultIds: string[];
  prompt: string;
  system: string;
  /** Set when the client asks for structured output matching this schema. */
  outputSchema: JsonSchema | null;
}

export interface ToolCall {
  id: string;
  name: string;
  kind: 'function' | 'custom';
  /** Function arguments, or the raw input of a custom tool. */
  input: Record<string, unknown> | string;
}

/** The answer before rendering: text and tool calls, in that order. */
export interface Reply {
  text: string;
  calls: ToolCall[];
}

export type RequestRole = 'turn' | 'side' | 'count' | 'error' | 'other';

export interface RecordedRequest {
  method: string;
  /** Path with its query string, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON (null when empty). */
  body: unknown;
  api: WireApi | null;
  role: RequestRole;
  /** The script turn answered, for role `turn`. */
  turn: number | null;
  /** Why an intent could not be mapped, when it could not. */
  problem: string | null;
}

export interface ModelServerOptions {
  /** Directory relative `write` paths are resolved against when a tool wants an absolute path. */
  cwd?: string;
  /** Answer every model request with this HTTP error status instead (e.g. 401), in the API's error shape. */
  failWith?: number;
}

export interface ModelServer {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash, no /v1). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
