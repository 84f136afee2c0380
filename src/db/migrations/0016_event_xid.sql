-- Events written before this migration all count as one finished transaction (xid 0), which every
-- subscription's cursor (0, its event id) already orders correctly; new events carry their own transaction.
ALTER TABLE "events" ADD COLUMN "xid" "xid8" DEFAULT '0'::xid8 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "xid" SET DEFAULT pg_current_xact_id();--> statement-breakpoint
ALTER TABLE "webhook_subscriptions" ADD COLUMN "event_cursor_xid" "xid8" DEFAULT '0'::xid8 NOT NULL;--> statement-breakpoint
CREATE INDEX "events_xid_idx" ON "events" USING btree ("xid","id");
