import type { HandlerRegistry } from '../handler.ts';
import type { AgentWorkOptions } from '../run-agent-for-job.ts';
import { createPlanningHandler } from './planning.ts';
import { createStageHandler } from './stage.ts';

/** The handlers that run agents: a run's planning and its tasks' stages. */
export function createAgentHandlers(options: AgentWorkOptions): HandlerRegistry {
  return Object.freeze({
    planning: createPlanningHandler(options),
    stage: createStageHandler(options),
  });
}
