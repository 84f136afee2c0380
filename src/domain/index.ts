export * from './access.ts';
export * from './dependencies.ts';
export * from './job-states.ts';
export * from './run-phases.ts';
export * from './severity.ts';
export * from './stages.ts';
