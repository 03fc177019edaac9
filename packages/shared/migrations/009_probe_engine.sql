-- Up Migration

-- Wakes sleeping workers (LISTEN check_due_changed) when a check may have become due sooner than they
-- know: a new check, a due time moved earlier (an edit reschedules to now()), a check resumed. A worker
-- advancing a check only moves its due time later, so the probe engine's own writes notify nobody.
-- Notifications are sent at commit, and identical ones within a transaction are folded into one.
CREATE FUNCTION notify_check_due_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('check_due_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER checks_inserted_wake_workers AFTER INSERT ON checks
  FOR EACH STATEMENT EXECUTE FUNCTION notify_check_due_changed();

CREATE TRIGGER checks_due_sooner_wake_workers AFTER UPDATE OF next_due_at, paused ON checks
  FOR EACH ROW WHEN (NEW.next_due_at < OLD.next_due_at OR (OLD.paused AND NOT NEW.paused))
  EXECUTE FUNCTION notify_check_due_changed();

-- Down Migration
DROP TRIGGER checks_due_sooner_wake_workers ON checks;
DROP TRIGGER checks_inserted_wake_workers ON checks;
DROP FUNCTION notify_check_due_changed();
