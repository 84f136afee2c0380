/**
 * What no request may carry, whatever its route's schema says: a NUL character (PostgreSQL text cannot hold
 * one), a lone surrogate (it is not Unicode, and jsonb refuses it), or JSON nested deeper than any real
 * request is (a stack to overflow). Refused with a 400 naming the field, before any route sees it.
 */
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors/catalogue.ts';

/** Deeper than any request body Workhorse takes (project settings are four levels). */
export const MAX_DEPTH = 32;

interface Problem {
  field: string;
  message: string;
}

function badText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  // With the u flag a surrogate pair is one code point: only a lone surrogate is a code point of class Cs.
  if (/\p{Cs}/u.test(text)) return 'contains a lone surrogate (not valid Unicode)';
  return null;
}

/** The first thing wrong in `value` (walked without recursion, so depth cannot overflow the stack). */
export function findProblem(value: unknown, root: string): Problem | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const message = badText(item.value);
      if (message) return { field: item.field, message };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_DEPTH)
      return { field: item.field, message: `nested deeper than ${MAX_DEPTH} levels` };
    const entries = Array.isArray(item.value)
      ? item.value.map((inner, index) => [String(index), inner] as const)
      : Object.entries(item.value);
    for (const [key, inner] of entries) {
      const field = `${item.field}.${key}`;
      const keyProblem = badText(key);
      if (keyProblem) return { field, message: `its name ${keyProblem}` };
      stack.push({ value: inner, field, depth: item.depth + 1 });
    }
  }
  return null;
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problem =
      findProblem(request.query, 'query') ??
      findProblem(request.params, 'params') ??
      findProblem(request.body, 'body');
    if (problem) {
      throw errors.validation(`${problem.field}: ${problem.message}`, { issues: [problem] });
    }
  });
}
