#!/usr/bin/env node
/**
 * `wh`. Runs the compiled JavaScript in dist/ (`npm run build`, which `npm install` runs in a clone and
 * which a published package ships): no TypeScript is compiled at start.
 *
 * Development only: in a clone whose sources changed since the last build (or that has no build), it runs
 * the TypeScript sources through tsx, a devDependency, so an edit is never shadowed by a stale build and the
 * tests that spawn `wh` test the code as it is. `npm run build` makes it run compiled again.
 */
import { existsSync } from 'node:fs';
import { buildIsCurrent } from './build-state.js';

const root = new URL('../', import.meta.url);

if (buildIsCurrent(root)) {
  await import('../dist/cli/main.js');
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    tsx = null;
  }
  if (tsx) {
    tsx.register();
    await import('../src/cli/main.ts');
  } else if (existsSync(new URL('dist/cli/main.js', root))) {
    process.stderr.write(
      'wh: the build in dist/ is older than src/ and tsx is not installed: running the build\n',
    );
    await import('../dist/cli/main.js');
  } else {
    process.stderr.write(
      'wh: no build in dist/: run `npm install` (with dev dependencies) or `npm run build`\n',
    );
    process.exit(1);
  }
}
