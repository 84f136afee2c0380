/**
 * Decides what a request gets. The turn is read from the request itself, not from server state: our
 * tool-call ids carry their turn number (`…wh_t<N>_<i>`), so a request whose last message holds the
 * results of turn N is answered with turn N+1, a request with tools and none of our results yet gets
 * turn 0, and anything else (no tools, or a conversation that does not end in our results) is a side
 * request that gets a short answer and consumes nothing. Retries and parallel roles need no bookkeeping.
 */
import { sampleFromSchema } from './json.ts';
import { detectCwd, mapToolIntent } from './tools.ts';
import type { Intent, ParsedRequest, Reply, ScriptSource, ToolCall, Turn, WireApi } from './types.ts';

export interface Plan {
  role: 'turn' | 'side';
  turn: number | null;
  reply: Reply;
  problem: string | null;
}

const TURN_ID = /wh_t(\d+)_/;

export function turnOfId(id: string): number | null {
  const match = TURN_ID.exec(id);
  return match?.[1] ? Number(match[1]) : null;
}

function ourTurns(ids: string[]): number[] {
  return ids.map(turnOfId).filter((turn): turn is number => turn !== null);
}

function intentsOf(turn: Turn | undefined): readonly Intent[] {
  if (turn === undefined) return [{ done: 'Done.' }];
  return Array.isArray(turn) ? turn : [turn as Intent];
}

export function sideReply(request: ParsedRequest): Reply {
  const text = request.outputSchema
    ? JSON.stringify(sampleFromSchema(request.outputSchema))
    : 'Scripted reply.';
  return { text, calls: [] };
}

function chooseTurn(request: ParsedRequest): number | null {
  if (request.tools.length === 0) return null;
  const last = ourTurns(request.lastToolResultIds);
  if (last.length > 0) return Math.max(...last) + 1;
  return ourTurns(request.allToolResultIds).length === 0 ? 0 : null;
}

export function plan(
  request: ParsedRequest,
  api: WireApi,
  source: ScriptSource,
  cwdOption: string | undefined,
): Plan {
  const turn = chooseTurn(request);
  if (turn === null) return { role: 'side', turn: null, reply: sideReply(request), problem: null };
  const script =
    typeof source === 'function'
      ? source({
          api,
          model: request.model,
          prompt: request.prompt,
          system: request.system,
          toolNames: request.tools.map((t) => t.name),
        })
      : source;
  const cwd = cwdOption ?? detectCwd(`${request.system}\n${request.prompt}`);
  const prefix = api === 'anthropic' ? 'toolu_' : 'call_';
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  const problems: string[] = [];
  for (const intent of intentsOf(script[turn])) {
    if ('text' in intent) texts.push(intent.text);
    else if ('done' in intent) texts.push(intent.done);
    else {
      try {
        calls.push(mapToolIntent(intent, request.tools, `${prefix}wh_t${turn}_${calls.length}`, cwd));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  const problem = problems.length > 0 ? problems.join('; ') : null;
  if (problem) texts.push(`Scripted model server: ${problem}`);
  return { role: 'turn', turn, reply: { text: texts.join('\n'), calls }, problem };
}
