-- Up Migration

-- The audit log (006) meets the dashboard's columns (008):
-- - checks.badge_token is the address of a public badge: a secret column, logged as "(set)" / "(changed)", never
--   the token itself (anyone holding it could read the badge);
-- - users.theme is a person's display preference, not a change to the account: not logged.
-- The triggers are recreated with the same arguments as in 006 plus these columns.
DROP TRIGGER checks_audit ON checks;
CREATE TRIGGER checks_audit AFTER INSERT OR UPDATE OR DELETE ON checks FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('check', 'name',
    'state,consecutive_failures,consecutive_successes,state_changed_at,last_probed_at,last_latency_ms,next_due_at,lease_owner,lease_expires_at,lease_attempt',
    'headers,body,badge_token');

DROP TRIGGER users_audit ON users;
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('member', 'email', 'password_hash,password_changed_at,totp_secret,totp_last_step,theme', '');

-- Down Migration
DROP TRIGGER users_audit ON users;
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('member', 'email', 'password_hash,password_changed_at,totp_secret,totp_last_step', '');

DROP TRIGGER checks_audit ON checks;
CREATE TRIGGER checks_audit AFTER INSERT OR UPDATE OR DELETE ON checks FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('check', 'name',
    'state,consecutive_failures,consecutive_successes,state_changed_at,last_probed_at,last_latency_ms,next_due_at,lease_owner,lease_expires_at,lease_attempt',
    'headers,body');
