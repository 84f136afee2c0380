/** `npm run bench`: every benchmark in turn. */
await import('./queue.ts');
await import('./wake-up.ts');
await import('./events.ts');
await import('./webhooks.ts');
await import('./api.ts');
await import('./transitions.ts');
await import('./dashboard.ts');
await import('./overhead.ts');
await import('./startup.ts');
