/** The scripted model server on its own: each wire API's shapes, turn choice, side requests, failures. */
import { afterEach, describe, expect, it } from 'vitest';
import { type ModelServer, type ScriptSource, startModelServer } from '../support/model-server/index.ts';

let server: ModelServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(
  script: ScriptSource,
  options: { cwd?: string; failWith?: number } = {},
): Promise<ModelServer> {
  server = await startModelServer(script, { cwd: '/work/repo', ...options });
  return server;
}

interface Sse {
  event: string | null;
  data: unknown;
}

async function post(path: string, body: unknown): Promise<{ status: number; json: unknown; sse: Sse[] }> {
  const response = await fetch(`${server?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.headers.get('content-type')?.includes('event-stream'))
    return { status: response.status, json: JSON.parse(text), sse: [] };
  const sse = text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? null;
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
  return { status: response.status, json: null, sse };
}

const WRITE = [{ write: { path: 'hello.txt', content: 'hi\n' } }, { done: 'All done.' }] as const;
const anthropicTools = [
  {
    name: 'Write',
    input_schema: { properties: { file_path: {}, content: {} }, required: ['file_path', 'content'] },
  },
  { name: 'Bash', input_schema: { properties: { command: {}, description: {} }, required: ['command'] } },
];

describe('Anthropic Messages API', () => {
  it('streams a Write tool_use turn, then the final text turn after its tool_result', async () => {
    await start(WRITE);
    const user = { role: 'user', content: 'go' };
    const first = await post('/v1/messages?beta=true', {
      model: 'm',
      stream: true,
      tools: anthropicTools,
      messages: [user],
    });
    expect(first.sse.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(first.sse[1]?.data).toMatchObject({
      content_block: { type: 'tool_use', id: 'toolu_wh_t0_0', name: 'Write' },
    });
    const delta = first.sse[2]?.data as { delta: { type: string; partial_json: string } };
    expect(delta.delta.type).toBe('input_json_delta');
    expect(JSON.parse(delta.delta.partial_json)).toEqual({
      file_path: '/work/repo/hello.txt',
      content: 'hi\n',
    });
    expect(first.sse[4]?.data).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: expect.any(Number) },
    });

    const result = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_wh_t0_0', content: 'ok' }],
    };
    const messages = [user, { role: 'assistant', content: [] }, result];
    const second = await post('/v1/messages', { model: 'm', stream: false, tools: anthropicTools, messages });
    expect(second.json).toMatchObject({
      content: [{ type: 'text', text: 'All done.' }],
      stop_reason: 'end_turn',
    });
    expect(server?.requests.map((r) => [r.role, r.turn])).toEqual([
      ['turn', 0],
      ['turn', 1],
    ]);
  });

  it('answers side requests (no tools; structured output) without consuming a turn, and counts tokens', async () => {
    await start(WRITE);
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };
    const title = await post('/v1/messages', {
      messages: [{ role: 'user', content: 'title?' }],
      output_config: { format: { type: 'json_schema', schema } },
    });
    expect(title.json).toMatchObject({ content: [{ type: 'text', text: '{"title":"Scripted"}' }] });
    const count = await post('/v1/messages/count_tokens?beta=true', { messages: [] });
    expect(count.json).toEqual({ input_tokens: expect.any(Number) });
    const main = await post('/v1/messages', {
      tools: anthropicTools,
      messages: [{ role: 'user', content: 'go' }],
    });
    expect(main.json).toMatchObject({ stop_reason: 'tool_use' });
    expect(server?.requests.map((r) => r.role)).toEqual(['side', 'count', 'turn']);
  });
});

describe('OpenAI Chat Completions', () => {
  const tools = [
    {
      type: 'function',
      function: { name: 'write', parameters: { properties: { filePath: {}, content: {} } } },
    },
    {
      type: 'function',
      function: { name: 'bash', parameters: { properties: { command: {}, description: {} } } },
    },
  ];

  it('streams tool_calls deltas, a finish reason, a usage chunk and [DONE]', async () => {
    await start([{ bash: { command: 'ls' } }]);
    const { sse } = await post('/v1/chat/completions', {
      stream: true,
      tools,
      messages: [{ role: 'user', content: 'go' }],
    });
    expect(sse.at(-1)?.data).toBe('[DONE]');
    const deltas = sse.map(
      (e) => (e.data as { choices?: { delta?: Record<string, unknown> }[] }).choices?.[0]?.delta,
    );
    expect(deltas[1]).toMatchObject({
      tool_calls: [{ index: 0, id: 'call_wh_t0_0', function: { name: 'bash' } }],
    });
    const calls = (deltas[2]?.tool_calls ?? []) as { function: { arguments: string } }[];
    const args = calls[0]?.function.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ command: 'ls', description: 'Run a scripted command' });
    expect(sse[3]?.data).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
    expect(sse[4]?.data).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number) } });
  });

  it('answers the turn after the trailing tool messages, not streamed', async () => {
    await start(WRITE);
    const messages = [
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [{ id: 'call_wh_t0_0' }] },
      { role: 'tool', tool_call_id: 'call_wh_t0_0', content: 'ok' },
    ];
    const { json } = await post('/v1/chat/completions', { tools, messages });
    expect(json).toMatchObject({ choices: [{ message: { content: 'All done.' }, finish_reason: 'stop' }] });
  });
});

describe('OpenAI Responses API', () => {
  it('sends apply_patch as a custom_tool_call, with every event codex reads', async () => {
    await start(WRITE);
    const tools = [
      { type: 'function', name: 'exec_command', parameters: { properties: { cmd: {} } } },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
    ];
    const { sse } = await post('/v1/responses', {
      stream: true,
      tools,
      input: [{ type: 'message', role: 'user', content: [] }],
    });
    expect(sse.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(sse[5]?.data).toMatchObject({
      item: {
        type: 'custom_tool_call',
        call_id: 'call_wh_t0_0',
        name: 'apply_patch',
        input: '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch',
      },
    });
    expect(sse[6]?.data).toMatchObject({
      response: { status: 'completed', usage: { total_tokens: expect.any(Number) } },
    });
  });

  it('writes through exec_command when no write tool exists, and streams text as output_text', async () => {
    await start(WRITE);
    const tools = [{ type: 'function', name: 'exec_command', parameters: { properties: { cmd: {} } } }];
    const first = await post('/v1/responses', { stream: true, tools, input: 'go' });
    const call = first.sse.find((e) => e.event === 'response.output_item.done')?.data as {
      item: { arguments: string };
    };
    expect(JSON.parse(call.item.arguments)).toEqual({ cmd: "printf '%s' 'hi\n' > '/work/repo/hello.txt'" });
    const input = [{ type: 'function_call_output', call_id: 'call_wh_t0_0', output: '' }];
    const second = await post('/v1/responses', { stream: true, tools, input });
    expect(second.sse.map((e) => e.event)).toContain('response.output_text.delta');
    expect(second.sse.find((e) => e.event === 'response.output_item.done')?.data).toMatchObject({
      item: { type: 'message', content: [{ type: 'output_text', text: 'All done.' }] },
    });
  });
});

describe('Gemini API', () => {
  const tools = [
    {
      functionDeclarations: [
        { name: 'write_file', parametersJsonSchema: { properties: { file_path: {}, content: {} } } },
      ],
    },
  ];

  it('streams a functionCall with its id, and answers countTokens and JSON side requests', async () => {
    await start(WRITE);
    const contents = [{ role: 'user', parts: [{ text: 'go' }] }];
    const { sse } = await post('/v1beta/models/g-1:streamGenerateContent?alt=sse', { contents, tools });
    expect(sse[0]?.data).toMatchObject({
      candidates: [
        {
          content: { parts: [{ functionCall: { id: 'call_wh_t0_0', name: 'write_file' } }] },
          finishReason: 'STOP',
        },
      ],
    });
    const count = await post('/v1beta/models/g-1:countTokens', { contents });
    expect(count.json).toEqual({ totalTokens: expect.any(Number) });
    const generationConfig = {
      responseMimeType: 'application/json',
      responseJsonSchema: { properties: { score: { type: 'INTEGER' } } },
    };
    const side = await post('/v1beta/models/g-2:generateContent', { contents, generationConfig });
    expect(side.json).toMatchObject({ candidates: [{ content: { parts: [{ text: '{"score":1}' }] } }] });
  });
});

describe('scripts, failures and problems', () => {
  it('chooses the script per request with a function (one server, several roles)', async () => {
    await start(({ prompt }) =>
      prompt.includes('[ROLE:QA]') ? [{ done: 'QA passed.' }] : [{ done: 'Dev done.' }],
    );
    const ask = (text: string) =>
      post('/v1/messages', { tools: anthropicTools, messages: [{ role: 'user', content: text }] });
    expect((await ask('[ROLE:QA] check')).json).toMatchObject({ content: [{ text: 'QA passed.' }] });
    expect((await ask('build it')).json).toMatchObject({ content: [{ text: 'Dev done.' }] });
  });

  it('answers every API with its own error shape when told to fail', async () => {
    await start(WRITE, { failWith: 401 });
    expect((await post('/v1/messages', {})).json).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    expect((await post('/v1/responses', {})).json).toMatchObject({ error: { code: 'invalid_api_key' } });
    const gemini = await post('/v1beta/models/g:generateContent', {});
    expect(gemini).toMatchObject({ status: 401, json: { error: { status: 'UNAUTHENTICATED' } } });
    expect(server?.requests.map((r) => r.role)).toEqual(['error', 'error', 'error']);
  });

  it('records an intent it cannot map and says so in the reply', async () => {
    await start([{ bash: { command: 'ls' } }]);
    const tools = [{ name: 'Read', input_schema: { properties: { file_path: {} } } }];
    const { json } = await post('/v1/messages', { tools, messages: [{ role: 'user', content: 'go' }] });
    expect(JSON.stringify(json)).toContain('no shell tool among: Read');
    expect(server?.requests[0]?.problem).toContain('no shell tool');
  });
});
