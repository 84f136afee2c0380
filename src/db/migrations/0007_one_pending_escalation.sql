-- Before a task could hold one pending escalation at a time, it could hold several, and some waited on a job
-- that was cancelled since. Those are settled first, so the unique index can be made.
UPDATE "approvals" AS "older"
   SET "state" = 'void', "decided_by" = 'workhorse', "decided_at" = now(),
       "decision_note" = 'superseded by a newer escalation of the same task'
 WHERE "older"."kind" = 'escalation' AND "older"."state" = 'pending'
   AND EXISTS (SELECT 1 FROM "approvals" AS "newer"
                WHERE "newer"."kind" = 'escalation' AND "newer"."state" = 'pending'
                  AND "newer"."task_id" = "older"."task_id" AND "newer"."id" > "older"."id");
--> statement-breakpoint
UPDATE "approvals"
   SET "state" = 'void', "decided_by" = 'workhorse', "decided_at" = now(),
       "decision_note" = 'its held job was cancelled'
 WHERE "state" = 'pending' AND "job_id" IS NOT NULL
   AND EXISTS (SELECT 1 FROM "jobs" WHERE "jobs"."id" = "approvals"."job_id" AND "jobs"."state" = 'cancelled');
--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_pending_escalation_uq" ON "approvals" USING btree ("task_id") WHERE "approvals"."state" = 'pending' and "approvals"."kind" = 'escalation';
