/**
 * Narrowing helpers for the JSON lines agent CLIs print. Every CLI changes its stream often, so each helper
 * answers "absent" (null, [] or '') for a missing or mistyped field instead of throwing.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One stdout line as a JSON object; null for blank lines, non-JSON lines (banners, logs) and non-objects. */
export function parseJsonLine(text: string): JsonObject | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

export function str(obj: JsonObject | null, key: string): string | null {
  const value = obj?.[key];
  return typeof value === 'string' ? value : null;
}

export function num(obj: JsonObject | null, key: string): number | null {
  const value = obj?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(obj: JsonObject | null, key: string): boolean | null {
  const value = obj?.[key];
  return typeof value === 'boolean' ? value : null;
}

export function obj(parent: JsonObject | null, key: string): JsonObject | null {
  const value = parent?.[key];
  return isObject(value) ? value : null;
}

export function arr(parent: JsonObject | null, key: string): unknown[] {
  const value = parent?.[key];
  return Array.isArray(value) ? value : [];
}

/** The objects of an array field, skipping anything else. */
export function objects(parent: JsonObject | null, key: string): JsonObject[] {
  return arr(parent, key).filter(isObject);
}

/**
 * Tool output as text. CLIs give a string, a list of `{type:'text', text}` blocks (Anthropic and MCP
 * shapes), or some other JSON value, which is kept as JSON so nothing is lost.
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const texts = value.map((item) => (isObject(item) && typeof item.text === 'string' ? item.text : null));
    if (texts.every((text) => text !== null)) return texts.join('\n');
  }
  return JSON.stringify(value);
}
