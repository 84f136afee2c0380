CREATE TABLE "live_listeners" (
	"process_id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Live feeds (the dashboard's event stream) learn of new events at once, but only while someone watches:
-- one notification per inserting statement, and none when no process has live subscribers.
CREATE FUNCTION wh_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM live_listeners WHERE expires_at > now()) THEN
    PERFORM pg_notify('wh_events', '');
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_events();
