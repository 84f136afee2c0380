CREATE TABLE "task_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"source" text NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"delivered_job_id" bigint,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_notes_source_known" CHECK ("task_notes"."source" in ('person', 'director'))
);
--> statement-breakpoint
ALTER TABLE "director_interventions" DROP CONSTRAINT "director_interventions_rule_known";--> statement-breakpoint
ALTER TABLE "director_interventions" DROP CONSTRAINT "director_interventions_action_known";--> statement-breakpoint
ALTER TABLE "task_notes" ADD CONSTRAINT "task_notes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_notes" ADD CONSTRAINT "task_notes_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_notes" ADD CONSTRAINT "task_notes_delivered_job_id_jobs_id_fk" FOREIGN KEY ("delivered_job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_notes_task_idx" ON "task_notes" USING btree ("task_id","id");--> statement-breakpoint
ALTER TABLE "director_interventions" ADD CONSTRAINT "director_interventions_rule_known" CHECK ("director_interventions"."rule" in ('stuck-task', 'silent-job', 'tdd', 'test-tampering', 'dry', 'migrations', 'orm', 'false-done', 'loops', 'repeated-failure', 'stuck-run', 'budget', 'llm-review'));--> statement-breakpoint
ALTER TABLE "director_interventions" ADD CONSTRAINT "director_interventions_action_known" CHECK ("director_interventions"."action" in ('requeue', 'finding', 'warn', 'pause', 'escalate', 'note'));