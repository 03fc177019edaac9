-- Up Migration

-- Teams: every user of an account has a role. Existing users (one per account) are its owners.
ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'member', 'read_only'));

-- TOTP two-factor sign-in (RFC 6238). The secret is set at enrolment and only used once confirmed
-- (totp_enabled_at); totp_last_step refuses a code of a time step that was already used (replay).
ALTER TABLE users
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint;

-- Single-use recovery codes: only a SHA-256 of each code is stored.
CREATE TABLE recovery_codes (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at   timestamptz,
  UNIQUE (user_id, code_hash)
);

-- Invitations to join an account: only a SHA-256 of the link's token is stored.
CREATE TABLE invitations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  email       text NOT NULL,
  role        text NOT NULL CHECK (role IN ('owner', 'member', 'read_only')),
  token_hash  bytea NOT NULL UNIQUE,
  invited_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at  timestamptz NOT NULL,
  accepted_at timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_account_id_idx ON invitations (account_id, created_at DESC);
CREATE INDEX invitations_invited_by_idx ON invitations (invited_by);

-- Audit log: who changed what in an account. Rows are written by the trigger below, in the transaction of
-- the change, whenever the application has set `pingdummy.actor` (JSON: userId, tokenId, label) on the
-- connection; the worker never sets it, so probes and state changes are not logged.
CREATE TABLE audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_token_id uuid REFERENCES api_tokens (id) ON DELETE SET NULL,
  actor_label   text NOT NULL,
  action        text NOT NULL CHECK (action IN ('created', 'changed', 'deleted')),
  target_type   text NOT NULL,
  target_id     text NOT NULL,
  target_name   text,
  changes       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, id DESC);
-- For ON DELETE SET NULL when a member or a token is deleted.
CREATE INDEX audit_log_actor_user_id_idx ON audit_log (actor_user_id);
CREATE INDEX audit_log_actor_token_id_idx ON audit_log (actor_token_id);

-- One row per changed row. Arguments: target type, the column that names the row, columns left out of the
-- summary (comma-separated), columns whose values are secret (their change is shown as "(changed)").
-- The summary keeps only changed columns, as {"column": {"before": .., "after": ..}}, strings cut to 120 characters.
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  actor jsonb := nullif(current_setting('pingdummy.actor', true), '')::jsonb;
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) ELSE '{}'::jsonb END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) ELSE '{}'::jsonb END;
  row_now jsonb := CASE WHEN TG_OP = 'DELETE' THEN old_row ELSE new_row END;
  ignored text[] := string_to_array(TG_ARGV[2], ',') || ARRAY['id', 'account_id', 'created_at', 'updated_at'];
  secret text[] := string_to_array(TG_ARGV[3], ',');
  changes jsonb := '{}'::jsonb;
  key text;
  before_value jsonb;
  after_value jsonb;
BEGIN
  FOR key IN SELECT jsonb_object_keys(old_row || new_row) LOOP
    CONTINUE WHEN key = ANY (ignored);
    before_value := old_row -> key;
    after_value := new_row -> key;
    CONTINUE WHEN before_value IS NOT DISTINCT FROM after_value;
    -- A created or deleted row's empty columns say nothing.
    CONTINUE WHEN coalesce(before_value, 'null') = 'null' AND coalesce(after_value, 'null') = 'null';
    IF key = ANY (secret) THEN
      -- Empty (null, '', {}) says so; anything else only that there was a value.
      before_value := CASE WHEN coalesce(before_value, 'null') IN ('null', '""', '{}') THEN NULL ELSE '"(set)"' END;
      after_value := CASE WHEN coalesce(after_value, 'null') IN ('null', '""', '{}') THEN NULL ELSE '"(changed)"' END;
      CONTINUE WHEN before_value IS NULL AND after_value IS NULL;
    ELSE
      IF jsonb_typeof(before_value) = 'string' AND length(before_value #>> '{}') > 120 THEN
        before_value := to_jsonb(left(before_value #>> '{}', 119) || '…');
      END IF;
      IF jsonb_typeof(after_value) = 'string' AND length(after_value #>> '{}') > 120 THEN
        after_value := to_jsonb(left(after_value #>> '{}', 119) || '…');
      END IF;
    END IF;
    changes := changes || jsonb_build_object(key, jsonb_strip_nulls(jsonb_build_object('before', before_value, 'after', after_value)));
  END LOOP;
  -- An update of bookkeeping columns only (last use of a token, a used TOTP step) is not a change.
  IF TG_OP = 'UPDATE' AND changes = '{}'::jsonb THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_log (account_id, actor_user_id, actor_token_id, actor_label, action, target_type, target_id, target_name, changes)
  VALUES (
    CASE WHEN TG_TABLE_NAME = 'accounts' THEN (row_now ->> 'id')::uuid ELSE (row_now ->> 'account_id')::uuid END,
    (SELECT id FROM users WHERE id = (actor ->> 'userId')::uuid),
    (SELECT id FROM api_tokens WHERE id = (actor ->> 'tokenId')::uuid),
    coalesce(actor ->> 'label', 'unknown'),
    CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END,
    TG_ARGV[0],
    row_now ->> 'id',
    left(row_now ->> TG_ARGV[1], 200),
    changes
  );
  RETURN NULL;
END $$;

-- Only statements run with an actor are logged (the WHEN clause costs the worker's updates nearly nothing).
CREATE TRIGGER checks_audit AFTER INSERT OR UPDATE OR DELETE ON checks FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('check', 'name',
    'state,consecutive_failures,consecutive_successes,state_changed_at,last_probed_at,last_latency_ms,next_due_at,lease_owner,lease_expires_at,lease_attempt',
    'headers,body');
CREATE TRIGGER notification_channels_audit AFTER INSERT OR UPDATE OR DELETE ON notification_channels FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('channel', 'name', '', 'target,secret');
CREATE TRIGGER api_tokens_audit AFTER INSERT OR UPDATE OR DELETE ON api_tokens FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('token', 'name', 'last_used_at,token_hash', '');
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('member', 'email', 'password_hash,password_changed_at,totp_secret,totp_last_step', '');
CREATE TRIGGER accounts_audit AFTER UPDATE ON accounts FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('settings', 'name', '', '');
CREATE TRIGGER invitations_audit AFTER INSERT OR UPDATE OR DELETE ON invitations FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('invitation', 'email', 'token_hash,invited_by,expires_at', '');

-- Down Migration
DROP TRIGGER IF EXISTS checks_audit ON checks;
DROP TRIGGER IF EXISTS notification_channels_audit ON notification_channels;
DROP TRIGGER IF EXISTS api_tokens_audit ON api_tokens;
DROP TRIGGER IF EXISTS users_audit ON users;
DROP TRIGGER IF EXISTS accounts_audit ON accounts;
DROP TABLE IF EXISTS audit_log, invitations, recovery_codes;
DROP FUNCTION IF EXISTS audit_change();
ALTER TABLE users DROP COLUMN role, DROP COLUMN totp_secret, DROP COLUMN totp_enabled_at, DROP COLUMN totp_last_step;
