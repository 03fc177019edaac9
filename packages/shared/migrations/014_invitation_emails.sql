-- Up Migration

-- Invitation emails, queued by the frontend in the same statement as the invitation and sent by the worker's
-- notifier through its email transport (SMTP or SES), with retries like any delivery. The body carries the
-- invitation link, a secret: it is cleared as soon as the email is sent or given up.
CREATE TABLE invitation_emails (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invitation_id    uuid NOT NULL UNIQUE REFERENCES invitations (id) ON DELETE CASCADE,
  to_address       text NOT NULL,
  subject          text NOT NULL,
  body             text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz,
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (status = 'pending' OR body IS NULL)
);
CREATE INDEX invitation_emails_due_idx ON invitation_emails (next_attempt_at) WHERE status = 'pending';

-- Down Migration
DROP TABLE invitation_emails;
