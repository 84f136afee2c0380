CREATE TABLE "run_phase_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"from_phase" text,
	"to_phase" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "run_phase_changes" ADD CONSTRAINT "run_phase_changes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_phase_changes_run_idx" ON "run_phase_changes" USING btree ("run_id","id");--> statement-breakpoint
-- Runs from before the history was kept: only their current phase is known, as of their last update.
INSERT INTO "run_phase_changes" ("run_id", "from_phase", "to_phase", "at") SELECT "id", NULL, "phase", "updated_at" FROM "runs";
