/**
 * Compressed answers: brotli or gzip, as the client accepts, for the dashboard's assets and the API's JSON
 * (above 1 KB; smaller ones gain nothing). The live event stream hijacks its reply, so it never passes
 * through here and is never buffered by a compressor.
 */
import fastifyCompress from '@fastify/compress';
import type { Api } from './deps.ts';

export async function registerCompression(app: Api): Promise<void> {
  await app.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
}
