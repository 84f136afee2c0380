/**
 * A job's log read as steps a person can follow: what Workhorse did, the agent's messages, its tool calls
 * (inputs folded away), their results and its errors. Each CLI's stream is parsed by that backend's own
 * parser (src/agents/backends, the one the worker judges the run by), so the dashboard never reads a stream
 * differently from the server. Lines no parser knows (stderr, banners) are kept as plain output.
 */
import { claudeBackend } from '../../src/agents/backends/claude.ts';
import { codexBackend } from '../../src/agents/backends/codex.ts';
import { geminiBackend } from '../../src/agents/backends/gemini.ts';
import { gooseBackend } from '../../src/agents/backends/goose.ts';
import { isObject, parseJsonLine } from '../../src/agents/backends/json.ts';
import { opencodeBackend } from '../../src/agents/backends/opencode.ts';
import {
  SCRIPTED_BACKEND,
  createParser as scriptedParser,
} from '../../src/agents/backends/scripted-stream.ts';
import type { AgentEvent, StreamParser } from '../../src/agents/types.ts';

export type StepKind = 'workhorse' | 'message' | 'tool' | 'result' | 'error' | 'file' | 'output' | 'done';

export interface LogStep {
  kind: StepKind;
  text: string;
  /** Folded away until asked for: a tool call's input, a long output. */
  detail: string | null;
  /** When the stream says it happened (ms since the epoch), where it says so. */
  at: number | null;
}

const PARSERS: Record<string, () => StreamParser> = {
  [claudeBackend.name]: claudeBackend.createParser,
  [codexBackend.name]: codexBackend.createParser,
  [geminiBackend.name]: geminiBackend.createParser,
  [gooseBackend.name]: gooseBackend.createParser,
  [opencodeBackend.name]: opencodeBackend.createParser,
  [SCRIPTED_BACKEND]: scriptedParser,
};

/** Lines longer than this show their start; the rest is folded. */
const SHORT = 300;
const WORKHORSE = '[workhorse] ';

/** The time a stream line carries: opencode's `timestamp` (ms), goose's `message.created` (s). */
function timeOf(line: string): number | null {
  const record = parseJsonLine(line);
  if (!record) return null;
  if (typeof record.timestamp === 'number') return record.timestamp;
  if (typeof record.timestamp === 'string' && !Number.isNaN(Date.parse(record.timestamp)))
    return Date.parse(record.timestamp);
  const created = isObject(record.message) ? record.message.created : null;
  return typeof created === 'number' ? created * 1000 : null;
}

function folded(text: string): { text: string; detail: string | null } {
  return text.length > SHORT ? { text: `${text.slice(0, SHORT)}…`, detail: text } : { text, detail: null };
}

function stepOf(event: AgentEvent, at: number | null): LogStep | null {
  switch (event.type) {
    case 'message':
      return event.text.trim() ? { kind: 'message', ...folded(event.text), at } : null;
    case 'tool_call':
      return { kind: 'tool', text: event.name, detail: JSON.stringify(event.input, null, 2), at };
    case 'tool_result':
      return { kind: event.ok ? 'result' : 'error', ...folded(event.output || '(no output)'), at };
    case 'file_edit':
      return { kind: 'file', text: `${event.kind} ${event.path}`, detail: null, at };
    case 'error':
      return { kind: 'error', ...folded(event.message), at };
    case 'needs_input':
      return { kind: 'error', text: `asked for input nobody can give: ${event.question}`, detail: null, at };
    case 'result':
      return { kind: 'done', ...folded(event.text || (event.ok ? 'finished' : 'failed')), at };
    default:
      // Sessions and usage are bookkeeping, not steps.
      return null;
  }
}

/**
 * The backend a log's opening line names (`[workhorse] claude as dev in …`): a running job's row has no
 * backend until it finishes, and its live log should read as steps all the same.
 */
function openingBackend(log: string): string | null {
  return /^\[workhorse\] (\S+) as \S+ in /.exec(log)?.[1] ?? null;
}

/** When a chunk of the log was written: where it begins in the log, and the time (ms since the epoch). */
export interface ChunkTime {
  offset: number;
  at: number;
}

/** The time of the chunk that holds `offset`: the last one that begins at or before it. */
function chunkTimeAt(times: readonly ChunkTime[], offset: number): number | null {
  let low = 0;
  let high = times.length - 1;
  let found: number | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (times[middle]!.offset <= offset) {
      found = times[middle]!.at;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * The steps of a log. A step's time is the one its stream line carries, else the time its line was
 * written (`times`, from the job's log index), so every CLI's steps have times and durations.
 */
export function logSteps(
  log: string,
  recordedBackend: string | null,
  times: readonly ChunkTime[] = [],
): LogStep[] {
  const backend = recordedBackend ?? openingBackend(log);
  const parser = backend && Object.hasOwn(PARSERS, backend) ? PARSERS[backend]!() : null;
  const steps: LogStep[] = [];
  let output: string[] = [];
  let outputAt: number | null = null;
  const flushOutput = () => {
    if (output.length === 0) return;
    steps.push({ kind: 'output', ...folded(output.join('\n')), at: outputAt });
    output = [];
  };
  let offset = 0;
  for (const line of log.split('\n')) {
    const written = chunkTimeAt(times, offset);
    offset += line.length + 1;
    if (line.trim() === '') continue;
    if (line.startsWith(WORKHORSE)) {
      flushOutput();
      steps.push({ kind: 'workhorse', text: line.slice(WORKHORSE.length), detail: null, at: written });
      continue;
    }
    const at = timeOf(line) ?? written;
    const events = parser ? parser.line(line) : [];
    const found = events.map((event) => stepOf(event, at)).filter((step): step is LogStep => step !== null);
    if (found.length > 0) {
      flushOutput();
      steps.push(...found);
    } else if (!parser || (events.length === 0 && !parseJsonLine(line))) {
      if (output.length === 0) outputAt = at;
      output.push(line);
    }
  }
  flushOutput();
  return steps;
}

/** The steps that mention `query` (case-insensitive), in their text or their folded detail. */
export function searchSteps(steps: readonly LogStep[], query: string): LogStep[] {
  const wanted = query.trim().toLowerCase();
  if (!wanted) return [...steps];
  return steps.filter(
    (step) => step.text.toLowerCase().includes(wanted) || (step.detail ?? '').toLowerCase().includes(wanted),
  );
}
