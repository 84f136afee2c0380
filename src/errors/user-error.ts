/**
 * An error the person running `wh` can fix (a bad setting, a data folder in use, a worker without
 * PostgreSQL): the CLI prints its message alone, with no stack, and exits 2. A class of its own, in a
 * module that imports nothing, so the CLI can recognise these without loading the modules that throw them.
 */
export class UserError extends Error {}
