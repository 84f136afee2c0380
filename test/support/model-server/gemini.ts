/** The Gemini API (`models/<m>:streamGenerateContent?alt=sse`, `:generateContent`, `:countTokens`). */
import { arr, asSchema, obj, str } from './json.ts';
import type { Rendered } from './sse.ts';
import type { ParsedRequest, Reply, ToolSpec } from './types.ts';

function toolSpecs(tools: unknown): ToolSpec[] {
  return arr(tools)
    .flatMap((tool) => arr(obj(tool).functionDeclarations))
    .map(obj)
    .map((fn) => {
      const schema = asSchema(fn.parametersJsonSchema ?? fn.parameters);
      return {
        name: str(fn.name),
        kind: 'function' as const,
        properties: schema.properties ?? {},
        required: schema.required ?? [],
      };
    });
}

function partsOf(content: unknown): Record<string, unknown>[] {
  return arr(obj(content).parts).map(obj);
}

function resultIdsOf(content: unknown): string[] {
  return partsOf(content)
    .filter((part) => part.functionResponse !== undefined)
    .map((part) => str(obj(part.functionResponse).id));
}

function textsOf(content: unknown): string {
  return partsOf(content)
    .map((part) => str(part.text))
    .filter((text) => text !== '')
    .join('\n');
}

export function parseGemini(body: unknown, model: string, stream: boolean): ParsedRequest {
  const request = obj(body);
  const contents = arr(request.contents);
  const config = obj(request.generationConfig);
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return {
    model,
    stream,
    tools: toolSpecs(request.tools),
    lastToolResultIds: resultIdsOf(contents.at(-1)),
    allToolResultIds: contents.flatMap(resultIdsOf),
    prompt: contents
      .filter((c) => obj(c).role !== 'model')
      .map(textsOf)
      .join('\n'),
    system: textsOf(request.systemInstruction),
    outputSchema:
      config.responseMimeType === 'application/json' ? asSchema(schema ?? { type: 'object' }) : null,
  };
}

export function renderGemini(reply: Reply, request: ParsedRequest, inputTokens: number): Rendered {
  const parts: Record<string, unknown>[] = [];
  if (reply.text) parts.push({ text: reply.text });
  for (const call of reply.calls)
    parts.push({ functionCall: { id: call.id, name: call.name, args: call.input } });
  const output = Math.max(1, Math.ceil(JSON.stringify(parts).length / 4));
  const usageMetadata = {
    promptTokenCount: inputTokens,
    candidatesTokenCount: output,
    totalTokenCount: inputTokens + output,
  };
  const chunk = (chunkParts: Record<string, unknown>[], last: boolean): Record<string, unknown> => ({
    candidates: [
      { content: { role: 'model', parts: chunkParts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) },
    ],
    ...(last ? { usageMetadata } : {}),
    modelVersion: request.model,
    responseId: `scripted-${Date.now()}`,
  });
  if (!request.stream) return { status: 200, json: chunk(parts, true) };
  // Text first, then the calls with the finish reason, as the real API splits them.
  const first = parts.filter((p) => p.text !== undefined);
  const rest = parts.filter((p) => p.text === undefined);
  const events =
    first.length > 0 && rest.length > 0 ? [chunk(first, false), chunk(rest, true)] : [chunk(parts, true)];
  return { status: 200, sse: events.map((data) => ({ data })) };
}

export function geminiError(status: number, message: string): Rendered {
  const codes: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
  };
  return { status, json: { error: { code: status, message, status: codes[status] ?? 'INTERNAL' } } };
}
