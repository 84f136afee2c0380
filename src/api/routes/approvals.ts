/** Approvals: what waits for a person (escalations, later deploys) and their decisions. */
import { z } from 'zod';
import { approvalPageSchema, approvalSchema } from '../../contracts/approvals.ts';
import { budgetLimitsSchema } from '../../contracts/budgets.ts';
import { APPROVAL_STATES } from '../../domain/approvals.ts';
import { budgetFromApi } from '../../domain/budget.ts';
import { decideApproval, listApprovals } from '../../services/approvals.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, optionalId, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

export function registerApprovalRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/approvals',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['approvals'],
        querystring: z.object({
          state: z.enum(APPROVAL_STATES).optional(),
          run_id: optionalId,
          ...paging,
        }),
        response: { 200: approvalPageSchema },
      },
    },
    async (request) => {
      const { state, run_id, limit, offset } = request.query;
      return page(await listApprovals(db, { state, runId: run_id, limit, offset }), limit, offset);
    },
  );

  app.post(
    '/api/approvals/:id/decide',
    {
      config: { permission: 'approve' },
      schema: {
        tags: ['approvals'],
        summary:
          "Decide a pending approval. An escalation: approve releases the task's held dev job, reject cancels it. A deploy: approve queues the deploy, reject keeps the run ready for commit. A budget: approve with `budget` raises the limits reached (the task's, the run's or the project's total) and resumes what was paused",
        params: idParams,
        body: z.object({
          decision: z.enum(['approve', 'reject']),
          note: z.string().max(2000).optional(),
          /** A budget approval: the raised limits, which approving sets before it resumes what was paused. */
          budget: budgetLimitsSchema.optional(),
        }),
        response: { 200: approvalSchema },
      },
    },
    async (request) => {
      const { decision, note, budget } = request.body;
      return toApi(
        await decideApproval(contextFor(deps, request), request.params.id, {
          decision,
          note,
          budget: budget && budgetFromApi(budget),
        }),
      );
    },
  );
}
