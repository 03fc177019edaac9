-- Up Migration

-- Accounts own everything; users log in to exactly one account.
CREATE TABLE accounts (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL,
  slug                text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  status_page_enabled boolean NOT NULL DEFAULT false,
  status_page_title   text,
  check_limit         integer CHECK (check_limit IS NULL OR check_limit >= 0),
  created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  email               text NOT NULL,
  password_hash       text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_account_id_idx ON users (account_id);

-- express-session store (connect-pg-simple layout) plus an index to end a user's other sessions.
CREATE TABLE sessions (
  sid    varchar NOT NULL PRIMARY KEY,
  sess   json NOT NULL,
  expire timestamp(6) NOT NULL
);
CREATE INDEX sessions_expire_idx ON sessions (expire);
CREATE INDEX sessions_user_id_idx ON sessions ((sess ->> 'userId'));

-- Personal API tokens: only a SHA-256 of the secret is stored; the prefix helps people tell them apart.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_prefix text NOT NULL,
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_account_id_idx ON api_tokens (account_id);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Regions that have a beacon; workers upsert them so the frontend can offer them.
CREATE TABLE probe_regions (
  name         text PRIMARY KEY,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE checks (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id             uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  url                    text NOT NULL CHECK (length(url) <= 2048),
  method                 text NOT NULL DEFAULT 'GET'
                         CHECK (method IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
  headers                jsonb NOT NULL DEFAULT '{}'::jsonb,
  body                   text,
  interval_seconds       integer NOT NULL DEFAULT 60 CHECK (interval_seconds BETWEEN 10 AND 86400),
  timeout_ms             integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 60000),
  expected_status_codes  text NOT NULL DEFAULT '200-399',
  keyword                text,
  keyword_mode           text CHECK (keyword_mode IN ('present', 'absent')),
  degraded_threshold_ms  integer CHECK (degraded_threshold_ms > 0),
  failures_before_down   integer NOT NULL DEFAULT 2 CHECK (failures_before_down BETWEEN 1 AND 20),
  recoveries_before_up   integer NOT NULL DEFAULT 1 CHECK (recoveries_before_up BETWEEN 1 AND 20),
  regions                text[] NOT NULL DEFAULT '{}',  -- empty: every region with a beacon
  paused                 boolean NOT NULL DEFAULT false,
  is_public              boolean NOT NULL DEFAULT false,
  show_url_publicly      boolean NOT NULL DEFAULT false,
  -- Derived state, written by the worker.
  state                  text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'up', 'down', 'degraded')),
  consecutive_failures   integer NOT NULL DEFAULT 0,
  consecutive_successes  integer NOT NULL DEFAULT 0,
  state_changed_at       timestamptz,
  last_probed_at         timestamptz,
  last_latency_ms        integer,
  -- Scheduling: the lease says who is probing the due time `next_due_at`; `lease_attempt` fences stale owners.
  next_due_at            timestamptz NOT NULL DEFAULT now(),
  lease_owner            text,
  lease_expires_at       timestamptz,
  lease_attempt          bigint NOT NULL DEFAULT 0,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT checks_timeout_within_interval CHECK (timeout_ms <= interval_seconds * 1000),
  CONSTRAINT checks_keyword_has_mode CHECK ((keyword IS NULL) = (keyword_mode IS NULL))
);
CREATE INDEX checks_account_id_idx ON checks (account_id, created_at);
-- The scheduler's query path: unpaused checks by due time.
CREATE INDEX checks_due_idx ON checks (next_due_at) WHERE NOT paused;
CREATE INDEX checks_public_idx ON checks (account_id) WHERE is_public;

-- Raw results, one row per probe and region, partitioned by day so retention drops whole partitions.
CREATE TABLE results (
  check_id         uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  scheduled_at     timestamptz NOT NULL,
  region           text NOT NULL,
  started_at       timestamptz NOT NULL,
  outcome          text NOT NULL CHECK (outcome IN ('up', 'down', 'degraded', 'infra_error')),
  status_code      integer,
  latency_ms       integer,
  dns_ms           integer,
  connect_ms       integer,
  tls_ms           integer,
  ttfb_ms          integer,
  error_class      text,
  error_message    text,
  tls_expires_at   timestamptz,
  PRIMARY KEY (check_id, scheduled_at, region)
) PARTITION BY RANGE (scheduled_at);
CREATE TABLE results_default PARTITION OF results DEFAULT;

-- Creates the daily partitions of `results` that cover [from_day, to_day].
CREATE FUNCTION ensure_result_partitions(from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  day date := from_day;
  created integer := 0;
  part text;
BEGIN
  WHILE day <= to_day LOOP
    part := 'results_' || to_char(day, 'YYYYMMDD');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF results FOR VALUES FROM (%L) TO (%L)',
        part, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
    day := day + 1;
  END LOOP;
  RETURN created;
END $$;
SELECT ensure_result_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 3);

-- Adds two histograms bucket by bucket (rollup upserts).
CREATE FUNCTION histogram_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i), '{}')
  FROM generate_series(1, greatest(coalesce(array_length(a, 1), 0), coalesce(array_length(b, 1), 0))) AS i
$$;

-- Rollups per check, region and hour / day. Infra errors are not counted as probes of the target.
CREATE TABLE rollups_hourly (
  check_id       uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  bucket_start   timestamptz NOT NULL,
  region         text NOT NULL,
  probe_count    integer NOT NULL,
  up_count       integer NOT NULL,
  degraded_count integer NOT NULL DEFAULT 0,
  latency_min    integer,
  latency_max    integer,
  latency_sum    bigint NOT NULL DEFAULT 0,
  latency_hist   integer[] NOT NULL,
  PRIMARY KEY (check_id, bucket_start, region)
);
CREATE INDEX rollups_hourly_bucket_idx ON rollups_hourly (bucket_start);

CREATE TABLE rollups_daily (LIKE rollups_hourly INCLUDING ALL);
ALTER TABLE rollups_daily ADD FOREIGN KEY (check_id) REFERENCES checks (id) ON DELETE CASCADE;

CREATE TABLE incidents (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  check_id    uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  started_at  timestamptz NOT NULL,
  resolved_at timestamptz,
  cause       text NOT NULL,
  CHECK (resolved_at IS NULL OR resolved_at >= started_at)
);
CREATE INDEX incidents_check_id_idx ON incidents (check_id, started_at DESC);
CREATE INDEX incidents_account_id_idx ON incidents (account_id, started_at DESC);
-- At most one open incident per check.
CREATE UNIQUE INDEX incidents_open_key ON incidents (check_id) WHERE resolved_at IS NULL;

CREATE TABLE notification_channels (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('webhook', 'email')),
  target     text NOT NULL,  -- webhook URL or email address
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_channels_account_id_idx ON notification_channels (account_id);

CREATE TABLE check_channels (
  check_id   uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  PRIMARY KEY (check_id, channel_id)
);
CREATE INDEX check_channels_channel_id_idx ON check_channels (channel_id);

-- Outbox of deliveries: written in the same transaction as the state change, delivered by the notifier.
CREATE TABLE deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  channel_id      uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  check_id        uuid REFERENCES checks (id) ON DELETE CASCADE,
  incident_id     uuid REFERENCES incidents (id) ON DELETE SET NULL,
  event           text NOT NULL CHECK (event IN ('down', 'up', 'degraded', 'test')),
  payload         jsonb NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_account_id_idx ON deliveries (account_id, created_at DESC);
CREATE INDEX deliveries_channel_id_idx ON deliveries (channel_id, created_at DESC);
CREATE INDEX deliveries_check_id_idx ON deliveries (check_id);
CREATE INDEX deliveries_incident_id_idx ON deliveries (incident_id);

-- Down Migration
DROP TABLE deliveries, check_channels, notification_channels, incidents, rollups_daily, rollups_hourly,
  results, checks, probe_regions, api_tokens, sessions, users, accounts CASCADE;
DROP FUNCTION IF EXISTS ensure_result_partitions(date, date);
DROP FUNCTION IF EXISTS histogram_add(integer[], integer[]);
