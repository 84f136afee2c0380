CREATE TABLE "director_interventions" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"fingerprint" text NOT NULL,
	"project_id" integer,
	"run_id" integer,
	"task_id" integer,
	"job_id" bigint,
	"action" text NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"summary" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "director_interventions_fingerprint_unique" UNIQUE("fingerprint"),
	CONSTRAINT "director_interventions_rule_known" CHECK ("director_interventions"."rule" in ('stuck-task', 'silent-job', 'tdd', 'test-tampering', 'dry', 'migrations', 'orm', 'false-done', 'repeated-failure', 'stuck-run', 'budget')),
	CONSTRAINT "director_interventions_action_known" CHECK ("director_interventions"."action" in ('requeue', 'finding', 'warn', 'pause'))
);
--> statement-breakpoint
CREATE TABLE "director_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"rules" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"leader" text,
	"lease_expires_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "director_state_one_row" CHECK ("director_state"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "approvals" DROP CONSTRAINT "approvals_kind_known";--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "budget" jsonb;--> statement-breakpoint
ALTER TABLE "director_interventions" ADD CONSTRAINT "director_interventions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "director_interventions" ADD CONSTRAINT "director_interventions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "director_interventions" ADD CONSTRAINT "director_interventions_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "director_interventions_run_idx" ON "director_interventions" USING btree ("run_id","id");--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_kind_known" CHECK ("approvals"."kind" in ('deploy', 'escalation', 'budget'));--> statement-breakpoint
-- The Director's one state row: on, with no leader yet.
INSERT INTO "director_state" ("id") VALUES (1);
