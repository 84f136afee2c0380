-- Wake-ups for workers: a job becoming queued, and a running job being cancelled, are announced on the
-- channel wh_jobs so that workers react at once instead of polling.
CREATE FUNCTION wh_notify_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = 'queued' THEN
    PERFORM pg_notify('wh_jobs', 'queued');
  ELSIF NEW.state = 'cancelled' AND TG_OP = 'UPDATE' AND OLD.state = 'running' THEN
    PERFORM pg_notify('wh_jobs', 'cancelled:' || NEW.id);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OF state ON jobs
  FOR EACH ROW WHEN (NEW.state IN ('queued', 'cancelled')) EXECUTE FUNCTION wh_notify_jobs();
