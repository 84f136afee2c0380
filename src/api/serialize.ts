/**
 * The API speaks snake_case JSON, as the seed's API did. Rows come from Drizzle in camelCase; this turns
 * them around once, at the edge. Free-form JSON columns are passed through untouched.
 */
const OPAQUE_KEYS = new Set(['settings', 'payload', 'report', 'acceptance', 'files', 'byStage', 'pipeline']);

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function toApi(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toApi);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [snake(key), OPAQUE_KEYS.has(key) ? inner : toApi(inner)]),
  );
}

export function page<T>(result: { items: T[]; total: number }, limit: number, offset: number) {
  return { items: toApi(result.items), total: result.total, limit, offset };
}
