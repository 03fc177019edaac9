-- Up Migration

-- The audit log (006) also covers a heartbeat check's schedule (003), changed by people. Creating and deleting a
-- heartbeat check are already logged by the checks trigger; the `heartbeats` row has no id or account_id of its
-- own (audit_change needs both), so its changes are logged on the check, here. Pings only move bookkeeping
-- columns (last ping, deadline, running job) and are written without an actor: never logged.
-- ping_key is the secret of /ping/<key>: only "(set)" / "(changed)" is logged, never the key.
CREATE FUNCTION audit_heartbeat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  actor jsonb := nullif(current_setting('pingdummy.actor', true), '')::jsonb;
  old_row jsonb := to_jsonb(OLD);
  new_row jsonb := to_jsonb(NEW);
  changes jsonb := '{}'::jsonb;
  key text;
BEGIN
  FOREACH key IN ARRAY ARRAY['period_seconds', 'cron', 'timezone', 'grace_seconds'] LOOP
    CONTINUE WHEN old_row -> key IS NOT DISTINCT FROM new_row -> key;
    changes := changes || jsonb_build_object(key, jsonb_strip_nulls(jsonb_build_object('before', old_row -> key, 'after', new_row -> key)));
  END LOOP;
  IF OLD.ping_key IS DISTINCT FROM NEW.ping_key THEN
    changes := changes || jsonb_build_object('ping_key', jsonb_build_object('before', '(set)', 'after', '(changed)'));
  END IF;
  IF changes = '{}'::jsonb THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_log (account_id, actor_user_id, actor_token_id, actor_label, action, target_type, target_id, target_name, changes)
  SELECT c.account_id,
         (SELECT id FROM users WHERE id = (actor ->> 'userId')::uuid),
         (SELECT id FROM api_tokens WHERE id = (actor ->> 'tokenId')::uuid),
         coalesce(actor ->> 'label', 'unknown'),
         'changed', 'check', c.id::text, left(c.name, 200), changes
    FROM checks c WHERE c.id = NEW.check_id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER heartbeats_audit AFTER UPDATE ON heartbeats FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_heartbeat_change();

-- Down Migration
DROP TRIGGER IF EXISTS heartbeats_audit ON heartbeats;
DROP FUNCTION IF EXISTS audit_heartbeat_change();
