-- Up Migration

-- Wakes sleeping workers instead of having them poll: the notifier sleeps until its next retry is due
-- (LISTEN notifications_due) and heartbeat evaluation sleeps until the next deadline
-- (LISTEN heartbeats_changed). Statement-level, so a batch of pings or alerts sends one notification,
-- and identical notifications within a transaction are folded into one at commit.
CREATE FUNCTION notify_worker_wakeup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END;
$$;

-- An alert, a "send a test" or an invitation email was queued.
CREATE TRIGGER deliveries_inserted_wake_notifier AFTER INSERT ON deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION notify_worker_wakeup('notifications_due');
CREATE TRIGGER invitation_emails_inserted_wake_notifier AFTER INSERT ON invitation_emails
  FOR EACH STATEMENT EXECUTE FUNCTION notify_worker_wakeup('notifications_due');

-- A ping arrived (success, /start, /fail) or a schedule changed: a verdict or a deadline may have moved.
CREATE TRIGGER heartbeats_changed_wake_evaluator AFTER INSERT OR UPDATE ON heartbeats
  FOR EACH STATEMENT EXECUTE FUNCTION notify_worker_wakeup('heartbeats_changed');

-- Down Migration
DROP TRIGGER heartbeats_changed_wake_evaluator ON heartbeats;
DROP TRIGGER invitation_emails_inserted_wake_notifier ON invitation_emails;
DROP TRIGGER deliveries_inserted_wake_notifier ON deliveries;
DROP FUNCTION notify_worker_wakeup();
