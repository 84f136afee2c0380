/**
 * Requests for property-based fuzzing, generated from the API's own OpenAPI document: for every operation,
 * path ids, query parameters, headers and bodies that are sometimes valid and often hostile (wrong types,
 * NUL bytes, lone surrogates, huge and negative numbers, deep nesting, oversized and malformed bodies, odd
 * ids). fast-check drives the choices, so a failure shrinks to a small request and replays from its seed.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
}

export interface Operation {
  method: string;
  path: string;
  params: { in: 'path' | 'query'; name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
}

export interface FuzzRequest {
  method: string;
  url: string;
  route: string;
  headers: Record<string, string>;
  payload?: string;
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: unknown }>>;
}

/** Every operation of the document, as method, path template, parameters and JSON body schema. */
export function operationsOf(document: unknown): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries((document as OpenApi).paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = (
        operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined
      )?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: operation.parameters ?? [],
        body: body ?? null,
      });
    }
  }
  return operations;
}

const HUGE_TEXT = 'x'.repeat(70_000);
/** Over the 2 MB body limit. */
const OVERSIZED_BODY = JSON.stringify({ title: 'y'.repeat(2_200_000) });

/** Values no schema asked for: the things that broke servers before. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ud83d',
    '',
    ' ',
    HUGE_TEXT,
    '🚀✓',
    "'; drop table tasks; --",
  ),
  fc.constantFrom(2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -1, 0, -(2 ** 31), 1e308, 1.5, -0.5),
  fc.constantFrom(null, true, false, [], {}),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.anything({ maxDepth: 3, maxKeys: 3 }),
);

/** Raw bodies that are not what any schema describes. */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"text"',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `{"settings":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    '{"title":"\\u0000"}',
    '{"title":"\\ud800"}',
    OVERSIZED_BODY,
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A value for `schema`: valid three times in four, hostile otherwise. */
function valueFor(schema: JsonSchema, ids: readonly number[], depth: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validFor(schema, ids, depth) },
    { weight: 1, arbitrary: hostileValue },
  );
}

function validFor(schema: JsonSchema, ids: readonly number[], depth: number): fc.Arbitrary<unknown> {
  const base = validOf(schema, ids, depth);
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function validOf(schema: JsonSchema, ids: readonly number[], depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((inner) => validFor(inner, ids, depth)));
  switch (schema.type) {
    case 'string':
      return schema.pattern?.includes('[0-9]')
        ? fc.constantFrom(...ids).map(String)
        : fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer':
      return fc.oneof(
        fc.constantFrom(...ids),
        fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 1000) }),
      );
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(valueFor(schema.items ?? {}, ids, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const model = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, valueFor(inner, ids, depth + 1)]),
      );
      const extra = fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 2 });
      // Required keys kept most of the time; sometimes any of them is left out.
      const honoured = fc.record(model, {
        requiredKeys: (schema.required ?? []).filter((key) => key in model),
      });
      const loose = fc.record(model, { requiredKeys: [] });
      return fc
        .tuple(
          fc.oneof({ weight: 4, arbitrary: honoured }, { weight: 1, arbitrary: loose }),
          extra,
          fc.boolean(),
        )
        .map(([value, more, addExtra]) => (addExtra ? { ...more, ...value } : value));
    }
    default:
      return fc.anything({ maxDepth: 2, maxKeys: 3 });
  }
}

/** A path or query text: a valid id, or one that is not (signs, zeros, spaces, hex, huge, NUL, surrogates). */
function oddText(schema: JsonSchema, ids: readonly number[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: validFor(schema, ids, 0).map((value) => String(value)) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '+1',
          '00001',
          ' 1',
          '0x10',
          '1e3',
          '-1',
          '0',
          '1.5',
          '99999999999999999999',
          'abc',
          '',
        ),
        fc.constantFrom('\u0000', '\ud800', '%', '%zz', 'a'.repeat(300)),
        fc.string({ unit: 'binary', maxLength: 12 }),
      ),
    },
  );
}

function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate cannot be encoded: sent as its raw percent form instead.
    return '%ED%A0%80';
  }
}

export interface FuzzContext {
  /** Ids that exist (and some that do not), for path and body ids. */
  ids: readonly number[];
  /** Bearer tokens to choose from, the first (admin) most often. */
  tokens: readonly string[];
}

/** One request to `operation`. */
export function requestFor(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const path = operation.params.filter((param) => param.in === 'path');
  const query = operation.params.filter((param) => param.in === 'query');
  const pathValues = fc.tuple(...path.map((param) => oddText(param.schema, context.ids)));
  const queryValues = fc.tuple(
    ...query.map((param) => fc.option(oddText(param.schema, context.ids), { nil: undefined })),
  );
  const body = operation.body
    ? fc.oneof(
        {
          weight: 4,
          arbitrary: valueFor(operation.body, context.ids, 0).map((value) => JSON.stringify(value) ?? ''),
        },
        { weight: 1, arbitrary: hostileBody },
      )
    : fc.option(hostileBody, { nil: undefined, freq: 4 });
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constant(context.tokens[0]!) },
    { weight: 2, arbitrary: fc.constantFrom(...context.tokens) },
    { weight: 1, arbitrary: fc.constantFrom('', 'wh_not_a_token', 'Bearer', 'wh_"quoted"') },
  );
  const headers = fc.record(
    {
      'last-event-id': fc.constantFrom('1e21', '-1', 'abc', '99999999999999999999', ' 7', '0', '1'),
      'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1'),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(pathValues, queryValues, body, token, headers)
    .map(([pathParts, queryParts, payload, bearer, extra]) => {
      let url = operation.path;
      path.forEach((param, index) => {
        url = url.replace(`{${param.name}}`, encode(pathParts[index]!));
      });
      const search = query
        .map((param, index) =>
          queryParts[index] === undefined ? null : `${param.name}=${encode(queryParts[index]!)}`,
        )
        .filter(Boolean);
      // The live stream never ends by itself: it is only ever asked in ways it must refuse at once.
      const streamHeaders = operation.path === '/api/events/stream' ? { 'last-event-id': '1e21' } : {};
      const headers: Record<string, string> = {
        authorization: `Bearer ${bearer}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
        ...streamHeaders,
      };
      return {
        method: operation.method,
        url: search.length > 0 ? `${url}?${search.join('&')}` : url,
        route: `${operation.method} ${operation.path}`,
        headers,
        ...(payload === undefined ? {} : { payload }),
      };
    });
}
