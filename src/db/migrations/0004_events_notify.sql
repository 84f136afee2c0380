-- Live feeds (the dashboard's event stream) learn of new events at once: one notification per statement
-- that inserted events, carrying the highest new id.
CREATE FUNCTION wh_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wh_events', (SELECT max(id)::text FROM new_events));
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION wh_notify_events();
