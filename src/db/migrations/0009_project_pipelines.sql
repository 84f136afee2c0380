ALTER TABLE "jobs" DROP CONSTRAINT "jobs_stage_known";--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_stage_known";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pipeline" jsonb;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_stage_name" CHECK ("jobs"."stage" ~ '^[a-z][a-z0-9-]{0,30}$');--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_stage_name" CHECK ("tasks"."pipeline_stage" ~ '^[a-z][a-z0-9-]{0,30}$');