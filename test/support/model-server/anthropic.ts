/** The Anthropic Messages API (`POST /v1/messages[?beta=true]`), streamed and not. */
import { randomUUID } from 'node:crypto';
import { arr, asSchema, isObject, obj, str, textOf } from './json.ts';
import type { Rendered, SseEvent } from './sse.ts';
import type { ParsedRequest, Reply, ToolSpec } from './types.ts';

function toolSpecs(tools: unknown): ToolSpec[] {
  return arr(tools)
    .map(obj)
    .filter((tool) => isObject(tool.input_schema))
    .map((tool) => {
      const schema = asSchema(tool.input_schema);
      return {
        name: str(tool.name),
        kind: 'function' as const,
        properties: schema.properties ?? {},
        required: schema.required ?? [],
      };
    });
}

function resultIds(message: unknown): string[] {
  const content = obj(message).content;
  return arr(content)
    .map(obj)
    .filter((block) => block.type === 'tool_result')
    .map((block) => str(block.tool_use_id));
}

export function parseAnthropic(body: unknown): ParsedRequest {
  const request = obj(body);
  const messages = arr(request.messages);
  const format = obj(obj(request.output_config).format);
  return {
    model: str(request.model) || 'claude-scripted',
    stream: request.stream === true,
    tools: toolSpecs(request.tools),
    lastToolResultIds: resultIds(messages.at(-1)),
    allToolResultIds: messages.flatMap(resultIds),
    prompt: messages
      .map(obj)
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n'),
    system: textOf(request.system),
    outputSchema: format.type === 'json_schema' ? asSchema(format.schema) : null,
  };
}

function contentBlocks(reply: Reply): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (reply.text) blocks.push({ type: 'text', text: reply.text });
  for (const call of reply.calls)
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  return blocks;
}

export function renderAnthropic(reply: Reply, request: ParsedRequest, inputTokens: number): Rendered {
  const id = `msg_scripted_${randomUUID().replaceAll('-', '')}`;
  const stopReason = reply.calls.length > 0 ? 'tool_use' : 'end_turn';
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(contentBlocks(reply)).length / 4));
  const usage = { input_tokens: inputTokens, output_tokens: outputTokens };
  const base = { id, type: 'message', role: 'assistant', model: request.model, stop_sequence: null };
  if (!request.stream) {
    return { status: 200, json: { ...base, content: contentBlocks(reply), stop_reason: stopReason, usage } };
  }
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...base,
          content: [],
          stop_reason: null,
          usage: { input_tokens: inputTokens, output_tokens: 1 },
        },
      },
    },
  ];
  const block = (index: number, start: unknown, delta: unknown): void => {
    events.push({
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: start },
    });
    events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  };
  let index = 0;
  if (reply.text) block(index++, { type: 'text', text: '' }, { type: 'text_delta', text: reply.text });
  for (const call of reply.calls) {
    block(
      index++,
      { type: 'tool_use', id: call.id, name: call.name, input: {} },
      { type: 'input_json_delta', partial_json: JSON.stringify(call.input) },
    );
  }
  events.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return { status: 200, sse: events };
}

export function anthropicError(status: number, message: string): Rendered {
  const type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : 'api_error';
  return { status, json: { type: 'error', error: { type, message } } };
}
