/**
 * A scripted model server on 127.0.0.1 (ephemeral port) that real agent CLIs can be pointed at. It
 * speaks the Anthropic Messages API, OpenAI Chat Completions and Responses, and the Gemini API, and
 * answers each model request from a script of abstract intents (see planner.ts and tools.ts).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { anthropicError, parseAnthropic, renderAnthropic } from './anthropic.ts';
import { geminiError, parseGemini, renderGemini } from './gemini.ts';
import { tokens } from './json.ts';
import { openaiError, parseChat, renderChat } from './openai-chat.ts';
import { parseResponses, renderResponses } from './openai-responses.ts';
import { plan } from './planner.ts';
import { type Rendered, writeRendered } from './sse.ts';
import type {
  ModelServer,
  ModelServerOptions,
  ParsedRequest,
  RecordedRequest,
  Reply,
  ScriptSource,
  WireApi,
} from './types.ts';

const DECODERS: Record<string, (input: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const decode = DECODERS[String(req.headers['content-encoding'] ?? '')];
  return (decode ? await decode(raw) : raw).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

interface Route {
  api: WireApi;
  parse(body: unknown): ParsedRequest;
  render(reply: Reply, request: ParsedRequest, inputTokens: number): Rendered;
  error(status: number, message: string): Rendered;
}

const GEMINI_PATH = /\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/;

function routeOf(path: string): Route | null {
  if (path.endsWith('/messages')) {
    return { api: 'anthropic', parse: parseAnthropic, render: renderAnthropic, error: anthropicError };
  }
  if (path.endsWith('/chat/completions')) {
    return { api: 'openai-chat', parse: parseChat, render: renderChat, error: openaiError };
  }
  if (path.endsWith('/responses')) {
    return { api: 'openai-responses', parse: parseResponses, render: renderResponses, error: openaiError };
  }
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) {
    const [, model = 'gemini-scripted', method] = gemini;
    const parse = (body: unknown): ParsedRequest =>
      parseGemini(body, model, method === 'streamGenerateContent');
    return { api: 'gemini', parse, render: renderGemini, error: geminiError };
  }
  return null;
}

/** Side endpoints: token counting, model lists, the root. Null when the path is none of them. */
function sideEndpoint(method: string, path: string, text: string): Rendered | null {
  if (path.endsWith('/messages/count_tokens')) return { status: 200, json: { input_tokens: tokens(text) } };
  if (path.endsWith(':countTokens')) return { status: 200, json: { totalTokens: tokens(text) } };
  if (method === 'GET' && path.endsWith('/models')) {
    const model = { id: 'scripted-model', object: 'model', created: 0, owned_by: 'scripted' };
    return { status: 200, json: { object: 'list', data: [model], models: [] } };
  }
  if (path === '/' || path === '') return { status: 200, json: {} };
  return null;
}

export async function startModelServer(
  script: ScriptSource,
  options: ModelServerOptions = {},
): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const text = await readBody(req);
    const record: RecordedRequest = {
      method,
      url,
      headers: req.headers,
      body: parseJson(text),
      api: null,
      role: 'other',
      turn: null,
      problem: null,
    };
    requests.push(record);
    try {
      const route = method === 'POST' && !path.toLowerCase().endsWith('counttokens') ? routeOf(path) : null;
      if (!route) {
        const side = sideEndpoint(method, path, text);
        record.role = side && path.toLowerCase().includes('count') ? 'count' : 'other';
        writeRendered(
          res,
          side ?? { status: 404, json: { error: { message: `no route for ${method} ${path}` } } },
        );
        return;
      }
      record.api = route.api;
      if (options.failWith !== undefined) {
        record.role = 'error';
        writeRendered(
          res,
          route.error(options.failWith, 'Scripted model server: invalid x-api-key (scripted failure)'),
        );
        return;
      }
      const request = route.parse(record.body);
      const decision = plan(request, route.api, script, options.cwd);
      record.role = decision.role;
      record.turn = decision.turn;
      record.problem = decision.problem;
      writeRendered(res, route.render(decision.reply, request, tokens(text)));
    } catch (error) {
      record.problem = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (!res.headersSent) writeRendered(res, { status: 500, json: { error: { message: record.problem } } });
      else res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
