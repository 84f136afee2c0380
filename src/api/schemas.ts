/** Request schemas shared by several routes. */
import { z } from 'zod';

export const idParams = z.object({ id: z.coerce.number().int().positive().describe('numeric id') });

export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const optionalId = z.coerce.number().int().positive().optional();

export const priority = z.number().int().min(1).max(10);

export const nonEmpty = (max: number) => z.string().trim().min(1).max(max);
