/**
 * Preloaded with `node --import` by compiled.test.ts: the URL of every module the process loads, one a line,
 * appended to the file named by WH_MODULES_FILE. ES modules through a resolve hook; CommonJS modules (which
 * a CommonJS `require` loads past the ES module hooks on Node 20) from the require cache at exit.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.WH_MODULES_FILE;
if (!file) throw new Error('module-recorder: WH_MODULES_FILE is not set');
register(new URL('./module-recorder-hooks.mjs', import.meta.url), { data: { file } });
process.on('exit', () => {
  const required = Object.keys(createRequire(import.meta.url).cache).map((path) => pathToFileURL(path).href);
  appendFileSync(file, required.map((url) => `${url}\n`).join(''));
});
