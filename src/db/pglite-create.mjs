// Makes a PGlite data folder and exits (see pglite-folder.ts): initdb's memory, hundreds of megabytes of
// WebAssembly heap that is never given back, goes with this process instead of staying in the server's.
import { PGlite } from '@electric-sql/pglite';

const [dataDir, settings] = process.argv.slice(2);
const database = new PGlite(dataDir, { postgresqlconf: JSON.parse(settings) });
await database.waitReady;
await database.close();
