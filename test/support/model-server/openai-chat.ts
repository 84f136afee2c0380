/** The OpenAI Chat Completions API (`POST /v1/chat/completions`), streamed chunks and not. */
import { randomUUID } from 'node:crypto';
import { arr, asSchema, obj, str, textOf } from './json.ts';
import type { Rendered, SseEvent } from './sse.ts';
import type { ParsedRequest, Reply, ToolSpec } from './types.ts';

function toolSpecs(tools: unknown): ToolSpec[] {
  return arr(tools)
    .map(obj)
    .filter((tool) => tool.type === 'function')
    .map((tool) => {
      const fn = obj(tool.function);
      const schema = asSchema(fn.parameters);
      return {
        name: str(fn.name),
        kind: 'function' as const,
        properties: schema.properties ?? {},
        required: schema.required ?? [],
      };
    });
}

function resultIdsOf(message: unknown): string[] {
  const m = obj(message);
  return m.role === 'tool' ? [str(m.tool_call_id)] : [];
}

export function parseChat(body: unknown): ParsedRequest {
  const request = obj(body);
  const messages = arr(request.messages).map(obj);
  // Parallel results arrive as consecutive `tool` messages at the end.
  const trailing: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--)
    trailing.push(...resultIdsOf(messages[i]));
  const format = obj(request.response_format);
  return {
    model: str(request.model) || 'gpt-scripted',
    stream: request.stream === true,
    tools: toolSpecs(request.tools),
    lastToolResultIds: trailing,
    allToolResultIds: messages.flatMap(resultIdsOf),
    prompt: messages
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n'),
    system: messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => textOf(m.content))
      .join('\n'),
    outputSchema: format.type === 'json_schema' ? asSchema(obj(format.json_schema).schema) : null,
  };
}

function argumentsOf(input: Record<string, unknown> | string): string {
  return typeof input === 'string' ? input : JSON.stringify(input);
}

export function renderChat(reply: Reply, request: ParsedRequest, inputTokens: number): Rendered {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const finish = reply.calls.length > 0 ? 'tool_calls' : 'stop';
  const completion = Math.max(1, Math.ceil((reply.text.length + JSON.stringify(reply.calls).length) / 4));
  const usage = {
    prompt_tokens: inputTokens,
    completion_tokens: completion,
    total_tokens: inputTokens + completion,
  };
  const toolCalls = reply.calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: argumentsOf(call.input) },
  }));
  if (!request.stream) {
    const message = {
      role: 'assistant',
      content: reply.text || null,
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    return {
      status: 200,
      json: {
        id,
        object: 'chat.completion',
        created,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      },
    };
  }
  const chunk = (delta: unknown, finishReason: string | null = null): SseEvent => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model: request.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    },
  });
  const events: SseEvent[] = [chunk({ role: 'assistant', content: '' })];
  if (reply.text) events.push(chunk({ content: reply.text }));
  reply.calls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    events.push(chunk({ tool_calls: [{ index, function: { arguments: argumentsOf(call.input) } }] }));
  });
  events.push(chunk({}, finish));
  events.push({
    data: { id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage },
  });
  events.push({ data: '[DONE]' });
  return { status: 200, sse: events };
}

export function openaiError(status: number, message: string): Rendered {
  const type = status === 401 ? 'invalid_request_error' : 'server_error';
  const code = status === 401 ? 'invalid_api_key' : null;
  return { status, json: { error: { message, type, param: null, code } } };
}
