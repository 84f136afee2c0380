ALTER TABLE "findings" DROP CONSTRAINT "findings_source_known";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "review_state" text;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_source_known" CHECK ("findings"."source" in ('qa', 'sec', 'docs', 'gate', 'director', 'manual', 'review'));--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_review_state_known" CHECK ("tasks"."review_state" in ('awaiting', 'accepted'));