/**
 * The API's response contracts: one zod schema per shape the API answers with. The routes declare them (so
 * each answer is checked before it is sent, and the OpenAPI document describes it) and the dashboard takes
 * its types from them: one definition on both sides of the wire.
 */
import { z } from 'zod';

export const id = z.number().int().positive();
/** A timestamp as the API writes it: ISO 8601 in UTC. */
export const timestamp = z.iso.datetime({ offset: true });

/** A page of a list: the items, how many there are in all, and where this page starts. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    total: z.number().int().min(0),
    limit: z.number().int().positive(),
    offset: z.number().int().min(0),
  });
}

/** A page of `Item`s, for a client that has the item's type rather than its schema. */
export type Page<Item> = Omit<z.infer<ReturnType<typeof pageOf>>, 'items'> & { items: Item[] };
