/** Small, total accessors for untrusted JSON, and a sampler that makes a value matching a JSON schema. */
import type { JsonSchema } from './types.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Text of a content field: a string, or an array of parts with `text` (any part type). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .map((part) => str(obj(part).text))
    .filter((text) => text !== '')
    .join('\n');
}

export function asSchema(value: unknown): JsonSchema {
  return obj(value) as JsonSchema;
}

/** Rough token count for usage fields: four characters a token, at least one. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A minimal value that satisfies `schema` (OpenAPI upper-case types, as Gemini sends them, included). */
export function sampleFromSchema(schema: JsonSchema): unknown {
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.anyOf && schema.anyOf.length > 0) return sampleFromSchema(schema.anyOf[0] ?? {});
  const type = (Array.isArray(schema.type) ? schema.type[0] : schema.type)?.toLowerCase();
  switch (type) {
    case 'string':
      return 'Scripted';
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const out: JsonObject = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = sampleFromSchema(sub);
      return out;
    }
  }
}
