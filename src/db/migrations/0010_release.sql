CREATE TABLE "installation" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "details" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "released_commit" text;--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_pending_deploy_uq" ON "approvals" USING btree ("run_id") WHERE "approvals"."state" = 'pending' and "approvals"."kind" = 'deploy';--> statement-breakpoint
-- This installation's id, made once: eight hex digits, random, so that two installations on one repository never name a branch alike.
INSERT INTO "installation" ("id") VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 8));
