/** The Director: its state and rules, switching it on or off, and what it did. */
import { z } from 'zod';
import {
  directorReviewSchema,
  directorRuleSettingsSchema,
  directorStateSchema,
  interventionPageSchema,
} from '../../contracts/director.ts';
import { DIRECTOR_RULE_NAMES, DIRECTOR_RULES } from '../../domain/director.ts';
import { getDirectorState, listInterventions, updateDirector } from '../../services/director.ts';
import { requestDirectorReview } from '../../services/director-review.ts';
import { summarizeJob } from '../../services/steps/jobs.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bodyId, optionalId, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

const RULES = DIRECTOR_RULE_NAMES.map((name) => ({ name, ...DIRECTOR_RULES[name] }));

function stateAnswer(state: Awaited<ReturnType<typeof getDirectorState>>) {
  return {
    enabled: state.enabled,
    rule_settings: state.rules,
    leader: state.leader,
    lease_expires_at: state.leaseExpiresAt?.toISOString() ?? null,
    rules: RULES,
  };
}

export function registerDirectorRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/director',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['director'],
        summary: 'Whether the Director is on, which process acts for it, and its rules with their defaults',
        response: { 200: directorStateSchema },
      },
    },
    async () => stateAnswer(await getDirectorState(db)),
  );

  app.patch(
    '/api/director',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['director'],
        summary:
          "Turn the Director on or off, or set rules' switches and thresholds, for the whole installation (a project sets its own in `settings.director`)",
        body: z.strictObject({
          enabled: z.boolean().optional(),
          rules: directorRuleSettingsSchema.optional(),
        }),
        response: { 200: directorStateSchema },
      },
    },
    async (request) => stateAnswer(await updateDirector(contextFor(deps, request), request.body)),
  );

  app.get(
    '/api/director/interventions',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['director'],
        summary: 'What the Director did, newest first',
        querystring: z.object({
          rule: z.enum(DIRECTOR_RULE_NAMES).optional(),
          run_id: optionalId,
          ...paging,
        }),
        response: { 200: interventionPageSchema },
      },
    },
    async (request) => {
      const { rule, run_id, limit, offset } = request.query;
      return page(await listInterventions(db, { rule, runId: run_id, limit, offset }), limit, offset);
    },
  );

  app.post(
    '/api/director/review',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['director'],
        summary:
          "Ask the director role's agent to review a run now: a job a worker runs; its validated report's items become interventions of rule llm-review",
        body: z.strictObject({ run_id: bodyId }),
        response: { 200: directorReviewSchema },
      },
    },
    async (request) => {
      const { job, created } = await requestDirectorReview(
        contextFor(deps, request),
        request.body.run_id,
        'person',
      );
      return { job: toApi(summarizeJob(job)), created };
    },
  );
}
