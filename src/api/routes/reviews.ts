import { z } from 'zod';
import type { findingSchema } from '../../contracts/findings.ts';
import {
  reviewAcceptedSchema,
  reviewCommentSchema,
  reviewSentBackSchema,
  taskDiffSchema,
} from '../../contracts/reviews.ts';
import { acceptReview, sendBackFromReview } from '../../services/reviews.ts';
import { taskGitNames } from '../../services/run-git-names.ts';
import { readTaskDiff } from '../../worker/task-diff.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams } from '../schemas.ts';
import { toApi } from '../serialize.ts';
import { stageChangeJson, version } from './tasks.ts';

/** A task's change under review: its diff and commits, accepting it, sending it back with comments. */
export function registerReviewRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/tasks/:id/diff',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary:
          "What the task's branch changes against its run branch (from their merge base): files, hunks and " +
          'stats, with the branch names and the commits, read from the repository',
        params: idParams,
        response: { 200: taskDiffSchema },
      },
    },
    async (request) => {
      const { files, ...diff } = await readTaskDiff(await taskGitNames(db, request.params.id), deps.dataDir);
      // `files` is a free-form column elsewhere, passed through as it is: here its entries are turned too.
      return { ...toApi(diff), files: toApi(files) };
    },
  );

  app.post(
    '/api/tasks/:id/review/accept',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary: 'Accept a task awaiting review: its merge into the run branch is queued',
        params: idParams,
        body: z.object({ version }),
        response: { 200: reviewAcceptedSchema },
      },
    },
    async (request) => {
      const { task, mergeJob } = await acceptReview(
        contextFor(deps, request),
        request.params.id,
        request.body,
      );
      return { task: toApi(task), merge_job_id: mergeJob.id };
    },
  );

  app.post(
    '/api/tasks/:id/review/send-back',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary:
          "Send a task back to dev with a person's comments on its diff; they reach the next prompt as " +
          'findings of source review',
        params: idParams,
        body: z.object({ comments: z.array(reviewCommentSchema).min(1).max(200), version }),
        response: { 200: reviewSentBackSchema },
      },
    },
    async (request) => {
      const { change, findings } = await sendBackFromReview(
        contextFor(deps, request),
        request.params.id,
        request.body,
      );
      return {
        change: stageChangeJson(change),
        findings: toApi(findings) satisfies z.input<typeof findingSchema>[],
      };
    },
  );
}
