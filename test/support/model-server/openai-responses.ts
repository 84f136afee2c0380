/** The OpenAI Responses API (`POST /v1/responses`) as codex reads it: output items, deltas, completion. */
import { randomUUID } from 'node:crypto';
import { arr, asSchema, obj, str, textOf } from './json.ts';
import type { Rendered, SseEvent } from './sse.ts';
import type { ParsedRequest, Reply, ToolSpec } from './types.ts';

const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output']);

function toolSpecs(tools: unknown): ToolSpec[] {
  const specs: ToolSpec[] = [];
  for (const tool of arr(tools).map(obj)) {
    if (tool.type === 'function') {
      const schema = asSchema(tool.parameters);
      specs.push({
        name: str(tool.name),
        kind: 'function',
        properties: schema.properties ?? {},
        required: schema.required ?? [],
      });
    } else if (tool.type === 'custom') {
      specs.push({ name: str(tool.name), kind: 'custom', properties: {}, required: [] });
    }
  }
  return specs;
}

function resultIdsOf(item: Record<string, unknown>): string[] {
  return OUTPUT_TYPES.has(str(item.type)) ? [str(item.call_id)] : [];
}

export function parseResponses(body: unknown): ParsedRequest {
  const request = obj(body);
  const items =
    typeof request.input === 'string'
      ? [{ type: 'message', role: 'user', content: request.input }]
      : arr(request.input).map(obj);
  const trailing: string[] = [];
  for (let i = items.length - 1; i >= 0 && OUTPUT_TYPES.has(str(items[i]?.type)); i--)
    trailing.push(...resultIdsOf(items[i] ?? {}));
  const messages = items.filter((item) => item.type === 'message' || item.type === undefined);
  const format = obj(obj(request.text).format);
  return {
    model: str(request.model) || 'gpt-scripted',
    stream: request.stream === true,
    tools: toolSpecs(request.tools),
    lastToolResultIds: trailing,
    allToolResultIds: items.flatMap(resultIdsOf),
    prompt: messages
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n'),
    system: [
      str(request.instructions),
      ...messages.filter((m) => m.role === 'developer' || m.role === 'system').map((m) => textOf(m.content)),
    ].join('\n'),
    outputSchema: format.type === 'json_schema' ? asSchema(format.schema) : null,
  };
}

type Item = Record<string, unknown>;

/** Output items in their final (done) form, each with the events that stream it. */
function itemsOf(reply: Reply): { item: Item; added: Item; deltas: (index: number) => SseEvent[] }[] {
  const out: { item: Item; added: Item; deltas: (index: number) => SseEvent[] }[] = [];
  if (reply.text) {
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const part = { type: 'output_text', text: reply.text, annotations: [] };
    out.push({
      item: { id, type: 'message', status: 'completed', role: 'assistant', content: [part] },
      added: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
      deltas: (output_index) => [
        {
          event: 'response.content_part.added',
          data: {
            type: 'response.content_part.added',
            item_id: id,
            output_index,
            content_index: 0,
            part: { ...part, text: '' },
          },
        },
        {
          event: 'response.output_text.delta',
          data: {
            type: 'response.output_text.delta',
            item_id: id,
            output_index,
            content_index: 0,
            delta: reply.text,
          },
        },
        {
          event: 'response.output_text.done',
          data: {
            type: 'response.output_text.done',
            item_id: id,
            output_index,
            content_index: 0,
            text: reply.text,
          },
        },
        {
          event: 'response.content_part.done',
          data: { type: 'response.content_part.done', item_id: id, output_index, content_index: 0, part },
        },
      ],
    });
  }
  for (const call of reply.calls) {
    if (typeof call.input === 'string') {
      const id = `ctc_${randomUUID().replaceAll('-', '')}`;
      const base = { id, type: 'custom_tool_call', call_id: call.id, name: call.name };
      const input = call.input;
      out.push({
        item: { ...base, status: 'completed', input },
        added: { ...base, status: 'in_progress', input: '' },
        deltas: (output_index) => [
          {
            event: 'response.custom_tool_call_input.delta',
            data: { type: 'response.custom_tool_call_input.delta', item_id: id, output_index, delta: input },
          },
          {
            event: 'response.custom_tool_call_input.done',
            data: { type: 'response.custom_tool_call_input.done', item_id: id, output_index, input },
          },
        ],
      });
    } else {
      const id = `fc_${randomUUID().replaceAll('-', '')}`;
      const base = { id, type: 'function_call', call_id: call.id, name: call.name };
      const args = JSON.stringify(call.input);
      out.push({
        item: { ...base, status: 'completed', arguments: args },
        added: { ...base, status: 'in_progress', arguments: '' },
        deltas: (output_index) => [
          {
            event: 'response.function_call_arguments.delta',
            data: { type: 'response.function_call_arguments.delta', item_id: id, output_index, delta: args },
          },
          {
            event: 'response.function_call_arguments.done',
            data: {
              type: 'response.function_call_arguments.done',
              item_id: id,
              output_index,
              arguments: args,
            },
          },
        ],
      });
    }
  }
  return out;
}

export function renderResponses(reply: Reply, request: ParsedRequest, inputTokens: number): Rendered {
  const id = `resp_${randomUUID().replaceAll('-', '')}`;
  const items = itemsOf(reply);
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(items.map((i) => i.item)).length / 4));
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
  const response = (status: string, output: Item[], withUsage: boolean): Item => ({
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: request.model,
    output,
    ...(withUsage ? { usage } : {}),
  });
  const done = response(
    'completed',
    items.map((i) => i.item),
    true,
  );
  if (!request.stream) return { status: 200, json: done };
  const events: SseEvent[] = [
    {
      event: 'response.created',
      data: { type: 'response.created', response: response('in_progress', [], false) },
    },
    {
      event: 'response.in_progress',
      data: { type: 'response.in_progress', response: response('in_progress', [], false) },
    },
  ];
  items.forEach(({ item, added, deltas }, output_index) => {
    events.push({
      event: 'response.output_item.added',
      data: { type: 'response.output_item.added', output_index, item: added },
    });
    events.push(...deltas(output_index));
    events.push({
      event: 'response.output_item.done',
      data: { type: 'response.output_item.done', output_index, item },
    });
  });
  events.push({ event: 'response.completed', data: { type: 'response.completed', response: done } });
  events.forEach((event, sequence_number) => {
    if (event.data && typeof event.data === 'object') Object.assign(event.data, { sequence_number });
  });
  return { status: 200, sse: events };
}
