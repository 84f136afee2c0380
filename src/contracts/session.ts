/** The dashboard's session as the API answers with it. */
import { z } from 'zod';
import { PERMISSIONS, TOKEN_ROLES } from '../domain/access.ts';

export const sessionSchema = z.strictObject({
  /** The name of the caller's token. */
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  permissions: z.array(z.enum(PERMISSIONS)),
});
export type Session = z.infer<typeof sessionSchema>;

export const loggedOutSchema = z.strictObject({ logged_out: z.literal(true) });
