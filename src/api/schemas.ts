/** Request schemas shared by several routes. */
import { z } from 'zod';

/** The id columns are 32-bit; a larger number cannot name a row (and must not reach the database). */
export const MAX_ID = 2_147_483_647;

/** A numeric id in a JSON body. */
export const bodyId = z.number().int().positive().max(MAX_ID);

export const idParams = z.object({
  id: z.coerce.number().int().positive().max(MAX_ID).describe('numeric id'),
});

/** Jobs and events have 64-bit ids. */
export const bigIdParams = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('numeric id'),
});

/** A body that may be left out altogether (`curl -X POST url`): absent means no fields. */
export function optionalBody<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => value ?? {}, schema);
}

export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const optionalId = z.coerce.number().int().positive().max(MAX_ID).optional();

export const priority = z.number().int().min(1).max(10);

export const nonEmpty = (max: number) => z.string().trim().min(1).max(max);
