ALTER TABLE "events" ALTER COLUMN "job_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "findings" ALTER COLUMN "job_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ALTER COLUMN "event_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_role_known" CHECK ("api_tokens"."role" in ('admin', 'operator', 'approver', 'viewer', 'worker'));--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_kind_known" CHECK ("approvals"."kind" in ('deploy', 'escalation'));--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_state_known" CHECK ("approvals"."state" in ('pending', 'approved', 'rejected', 'void'));--> statement-breakpoint
ALTER TABLE "bug_reports" ADD CONSTRAINT "bug_reports_status_known" CHECK ("bug_reports"."status" in ('open', 'triaged', 'closed'));--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_source_known" CHECK ("findings"."source" in ('qa', 'sec', 'docs', 'gate', 'director', 'manual'));--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_severity_known" CHECK ("findings"."severity" in ('critical', 'high', 'medium', 'low'));--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_status_known" CHECK ("findings"."status" in ('open', 'fixed', 'wont_fix', 'duplicate'));--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_state_known" CHECK ("jobs"."state" in ('held', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead'));--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_stage_known" CHECK ("jobs"."stage" in ('none', 'dev', 'qa', 'sec', 'docs', 'complete'));--> statement-breakpoint
ALTER TABLE "role_configs" ADD CONSTRAINT "role_configs_role_known" CHECK ("role_configs"."role" in ('pm', 'dev', 'qa', 'sec', 'docs', 'director', 'cicd'));--> statement-breakpoint
ALTER TABLE "run_phase_changes" ADD CONSTRAINT "run_phase_changes_from_known" CHECK ("run_phase_changes"."from_phase" in ('planning', 'building', 'testing', 'ready_for_commit', 'awaiting_approval', 'deploying', 'deployed', 'failed', 'killed'));--> statement-breakpoint
ALTER TABLE "run_phase_changes" ADD CONSTRAINT "run_phase_changes_to_known" CHECK ("run_phase_changes"."to_phase" in ('planning', 'building', 'testing', 'ready_for_commit', 'awaiting_approval', 'deploying', 'deployed', 'failed', 'killed'));--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_phase_known" CHECK ("runs"."phase" in ('planning', 'building', 'testing', 'ready_for_commit', 'awaiting_approval', 'deploying', 'deployed', 'failed', 'killed'));--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_stage_known" CHECK ("tasks"."pipeline_stage" in ('none', 'dev', 'qa', 'sec', 'docs', 'complete'));--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_source_known" CHECK ("tasks"."source" in ('pm', 'manual', 'finding'));--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_status_known" CHECK ("webhook_deliveries"."status" in ('pending', 'delivered', 'failed'));