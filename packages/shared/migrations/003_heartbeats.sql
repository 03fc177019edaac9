-- Up Migration

-- Heartbeat checks (checks.kind = 'heartbeat'): a job pings a secret URL; nobody probes it. One row per
-- heartbeat check holds its schedule and what its pings said so far.
CREATE TABLE heartbeats (
  check_id         uuid PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
  -- The secret in /ping/<ping_key>: unguessable and distinct from the check id, which pages and the API show.
  ping_key         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  -- Schedule: either a period, or a cron expression in a time zone. Grace applies to both.
  period_seconds   integer CHECK (period_seconds BETWEEN 60 AND 31536000),
  cron             text CHECK (length(cron) BETWEEN 1 AND 200),
  timezone         text CHECK (length(timezone) BETWEEN 1 AND 100),
  grace_seconds    integer NOT NULL CHECK (grace_seconds BETWEEN 60 AND 31536000),
  last_ping_at     timestamptz,
  last_success_at  timestamptz,
  last_fail_at     timestamptz,
  -- A /start ping not yet followed by a success or fail ping: the job is running.
  running_since    timestamptz,
  last_duration_ms bigint,
  -- When the check is late: the next expected ping plus grace (or a running job's start plus grace).
  -- Written by whoever records pings or changes the schedule; the worker marks the check down past it.
  late_at          timestamptz NOT NULL,
  CONSTRAINT heartbeats_one_schedule CHECK ((period_seconds IS NULL) <> (cron IS NULL)),
  CONSTRAINT heartbeats_cron_has_timezone CHECK ((cron IS NULL) = (timezone IS NULL))
);
CREATE INDEX heartbeats_late_at_idx ON heartbeats (late_at);

-- Every accepted ping. The id is made by the frontend when it accepts the ping into its write-behind
-- buffer, so a flush retried after a lost commit cannot insert a ping twice.
CREATE TABLE pings (
  id             uuid PRIMARY KEY,
  check_id       uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  received_at    timestamptz NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('success', 'start', 'fail')),
  method         text NOT NULL CHECK (method IN ('GET', 'POST', 'HEAD')),
  source_ip      text,
  user_agent     text CHECK (length(user_agent) <= 500),
  body           text,
  body_truncated boolean NOT NULL DEFAULT false,
  -- On a success or fail ping that follows a /start: how long the job ran.
  duration_ms    bigint
);
CREATE INDEX pings_check_id_idx ON pings (check_id, received_at DESC);
CREATE INDEX pings_received_at_idx ON pings (received_at);

-- Down Migration
DROP TABLE pings, heartbeats;
