import { registerSecretsFromEnv } from '../../config/known-secrets.ts';
import type { HandlerRegistry } from '../handler.ts';
import type { AgentWorkOptions } from '../run-agent-for-job.ts';
import { createDeployHandler } from './deploy.ts';
import { createDirectorReviewHandler } from './director-review.ts';
import { createIntegrationHandler } from './integration.ts';
import { createMergeHandler } from './merge.ts';
import { createPlanningHandler } from './planning.ts';
import { createStageHandler } from './stage.ts';

/** The handlers of a run's work: its planning, its tasks' stages, its integration test, its deploy and its reviews. */
export function createAgentHandlers(options: AgentWorkOptions): HandlerRegistry {
  // The agents' host environment holds keys they are given; whatever prints them, logs show none.
  registerSecretsFromEnv(options.hostEnv ?? process.env);
  return Object.freeze({
    planning: createPlanningHandler(options),
    stage: createStageHandler(options),
    merge: createMergeHandler(options),
    integration_test: createIntegrationHandler(options),
    deploy: createDeployHandler(options),
    director_review: createDirectorReviewHandler(options),
  });
}
