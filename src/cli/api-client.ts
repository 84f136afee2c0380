/**
 * The CLI's typed client for the REST API. Each call names the response contract it expects (the same zod
 * schema the route declares), so a command works with checked, typed data, and a server of another version
 * that answers differently is a clear error rather than a crash three functions later.
 */
import type { z } from 'zod';
import { ApiFailure } from './api-failure.ts';
import type { Connection } from './connection.ts';

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Error statuses whose body is still the answer (`/api/status` answers 503 while the database is down). */
  answersWith?: readonly number[];
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

export class ApiClient {
  constructor(readonly connection: Connection) {}

  get<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.output<S>> {
    return this.request('GET', path, schema, { query });
  }

  post<S extends z.ZodType>(path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    return this.request('POST', path, schema, { body: body ?? {} });
  }

  patch<S extends z.ZodType>(path: string, schema: S, body: unknown): Promise<z.output<S>> {
    return this.request('PATCH', path, schema, { body });
  }

  async delete(path: string): Promise<void> {
    await this.send('DELETE', path, {});
  }

  async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions,
  ): Promise<z.output<S>> {
    const response = await this.send(method, path, options);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new ApiFailure(
        'unexpected_response',
        `the server's answer to ${method} ${path} is not what this wh expects (is it another version?)`,
      );
    return parsed.data;
  }

  /** The raw response of a successful call (status < 400), e.g. for an event stream. */
  async send(
    method: string,
    path: string,
    options: RequestOptions & { accept?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const url = new URL(path, this.connection.url);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch {
      throw new ApiFailure(
        'unreachable',
        `cannot reach Workhorse at ${this.connection.url} (is \`wh serve\` running? set --url or WH_URL)`,
      );
    }
    if (response.status >= 400 && !options.answersWith?.includes(response.status))
      throw await failureOf(response);
    return response;
  }
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const code = typeof body.error?.code === 'string' ? body.error.code : `http_${response.status}`;
  const message =
    typeof body.error?.message === 'string' ? body.error.message : `the server answered ${response.status}`;
  // The server names the HTTP header; a person at the CLI gives a token by flag or environment.
  const hint = response.status === 401 ? ': pass --token or set WH_TOKEN' : '';
  return new ApiFailure(code, `${message}${hint}`, response.status);
}
