/**
 * The API speaks snake_case JSON, as the seed's API did. Rows come from Drizzle in camelCase; this turns
 * them around once, at the edge. Free-form JSON columns are passed through untouched. `ApiJson<T>` is the
 * same turn at the type level, so a route's answer is checked against its response contract when it
 * compiles, and again by the contract's schema when it is sent.
 */
const OPAQUE_KEYS = ['settings', 'payload', 'report', 'acceptance', 'files', 'byStage', 'pipeline'] as const;
type OpaqueKey = (typeof OPAQUE_KEYS)[number];
const OPAQUE = new Set<string>(OPAQUE_KEYS);

type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;

export type ApiJson<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? ApiJson<Item>[]
    : T extends object
      ? {
          [K in keyof T as K extends string ? SnakeCase<K> : never]: K extends OpaqueKey
            ? T[K]
            : ApiJson<T[K]>;
        }
      : T;

/** Every answer repeats the same few hundred keys: each is turned around once. */
const SNAKE = new Map<string, string>();

function snake(key: string): string {
  let turned = SNAKE.get(key);
  if (turned === undefined) {
    turned = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    SNAKE.set(key, turned);
  }
  return turned;
}

export function toApi<T>(value: T): ApiJson<T> {
  return convert(value) as ApiJson<T>;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== 'object') return value;
  const converted: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    converted[snake(key)] = OPAQUE.has(key) ? inner : convert(inner);
  return converted;
}

export function page<T>(result: { items: T[]; total: number }, limit: number, offset: number) {
  return { items: toApi(result.items), total: result.total, limit, offset };
}
