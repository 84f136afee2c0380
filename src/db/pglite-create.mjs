// Makes a PGlite data folder, applies the migrations, and exits (see pglite-folder.ts): initdb's memory,
// hundreds of megabytes of WebAssembly heap that is never given back, goes with this process instead of
// staying in the server's.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const [dataDir, settings, migrationsFolder] = process.argv.slice(2);
const client = new PGlite(dataDir, { postgresqlconf: JSON.parse(settings) });
await client.waitReady;
await migrate(drizzle({ client }), { migrationsFolder });
await client.close();
