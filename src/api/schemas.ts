/** Request schemas shared by several routes. */
import { z } from 'zod';

/** The id columns are 32-bit; a larger number cannot name a row (and must not reach the database). */
export const MAX_ID = 2_147_483_647;
/** The largest value of an `integer` (int4) column. */
export const MAX_INT4 = 2_147_483_647;

/** A numeric id in a JSON body. */
export const bodyId = z.number().int().positive().max(MAX_ID);

/**
 * A whole number in a path or query string, written plainly: digits only, no sign, no leading zero, no
 * spaces, no hex or exponent (`+1`, `01`, ` 1`, `0x10` and `1e3` are not ids), and no larger than `max`.
 */
export function decimal(max: number, { zero = false } = {}) {
  return z
    .string()
    .regex(zero ? /^(0|[1-9][0-9]*)$/ : /^[1-9][0-9]*$/, {
      error: `expected a ${zero ? '' : 'positive '}whole number, digits only`,
      abort: true,
    })
    .refine((text) => text.length <= 16 && Number(text) <= max, `expected at most ${max}`)
    .transform(Number);
}

export const idParams = z.object({ id: decimal(MAX_ID).describe('numeric id') });

/** Jobs and events have 64-bit ids. */
export const bigIdParams = z.object({ id: decimal(Number.MAX_SAFE_INTEGER).describe('numeric id') });

/** An event id to read after (0: from the start). */
export const afterId = decimal(Number.MAX_SAFE_INTEGER, { zero: true });

/** A body that may be left out altogether (`curl -X POST url`): absent means no fields. */
export function optionalBody<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => value ?? {}, schema);
}

export const paging = {
  limit: decimal(500).default(50),
  offset: decimal(MAX_INT4, { zero: true }).default(0),
};

export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const optionalId = decimal(MAX_ID).optional();

export const priority = z.number().int().min(1).max(10);

export const nonEmpty = (max: number) => z.string().trim().min(1).max(max);
