-- Up Migration

-- Planned maintenance: probes go on, but a state change inside a window opens no incident and alerts no one,
-- and uptime leaves out the probes made inside one. A window is one-off (starts_at .. ends_at) or weekly
-- (weekdays at start_time local time in time_zone, for duration_minutes), for some checks or all of the account.
CREATE TABLE maintenance_windows (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  all_checks       boolean NOT NULL DEFAULT false,
  recurrence       text NOT NULL CHECK (recurrence IN ('once', 'weekly')),
  starts_at        timestamptz,
  ends_at          timestamptz,
  weekdays         smallint[],  -- ISO days: 1 = Monday .. 7 = Sunday
  start_time       time,
  duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 10080),
  time_zone        text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT maintenance_windows_once CHECK (
    recurrence <> 'once' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at)),
  CONSTRAINT maintenance_windows_weekly CHECK (
    recurrence <> 'weekly' OR (cardinality(weekdays) > 0 AND weekdays <@ '{1,2,3,4,5,6,7}'::smallint[]
                               AND start_time IS NOT NULL AND duration_minutes IS NOT NULL AND time_zone IS NOT NULL))
);
CREATE INDEX maintenance_windows_account_id_idx ON maintenance_windows (account_id);

-- The checks a window covers when it is not for all checks of the account.
CREATE TABLE maintenance_window_checks (
  window_id uuid NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
  check_id  uuid NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  PRIMARY KEY (window_id, check_id)
);
CREATE INDEX maintenance_window_checks_check_id_idx ON maintenance_window_checks (check_id);

-- The occurrences of a window that overlap [range_from, range_to), as [starts_at, ends_at). Weekly windows follow
-- the wall clock of their time zone (02:00 Europe/Berlin stays 02:00 across daylight saving changes); the one
-- definition used by the worker (is this round inside a window?) and the frontend (current and upcoming windows).
CREATE FUNCTION maintenance_occurrences(w maintenance_windows, range_from timestamptz, range_to timestamptz)
RETURNS TABLE (starts_at timestamptz, ends_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT w.starts_at, w.ends_at
  WHERE w.recurrence = 'once' AND w.starts_at < range_to AND w.ends_at > range_from
  UNION ALL
  SELECT o.starts_at, o.starts_at + w.duration_minutes * interval '1 minute'
  FROM generate_series(
         ((range_from AT TIME ZONE w.time_zone)::date - ceil(w.duration_minutes / 1440.0)::int)::timestamp,
         (range_to AT TIME ZONE w.time_zone)::date::timestamp,
         interval '1 day') AS d(day),
       LATERAL (SELECT (d.day::date + w.start_time) AT TIME ZONE w.time_zone AS starts_at) AS o
  WHERE w.recurrence = 'weekly'
    AND extract(isodow FROM d.day)::smallint = ANY (w.weekdays)
    AND o.starts_at < range_to
    AND o.starts_at + w.duration_minutes * interval '1 minute' > range_from
$$;

-- Probes made inside a maintenance window, already counted in probe_count / up_count: uptime leaves them out.
ALTER TABLE rollups_hourly ADD COLUMN maintenance_probe_count integer NOT NULL DEFAULT 0,
                           ADD COLUMN maintenance_up_count integer NOT NULL DEFAULT 0;
ALTER TABLE rollups_daily ADD COLUMN maintenance_probe_count integer NOT NULL DEFAULT 0,
                          ADD COLUMN maintenance_up_count integer NOT NULL DEFAULT 0;

-- What the owner tells the public about an incident, one row per update (the history is kept).
CREATE TABLE incident_updates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  status      text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX incident_updates_incident_id_idx ON incident_updates (incident_id, created_at DESC);
CREATE INDEX incident_updates_account_id_idx ON incident_updates (account_id);

-- Down Migration
DROP TABLE incident_updates;
ALTER TABLE rollups_daily DROP COLUMN maintenance_probe_count, DROP COLUMN maintenance_up_count;
ALTER TABLE rollups_hourly DROP COLUMN maintenance_probe_count, DROP COLUMN maintenance_up_count;
DROP FUNCTION maintenance_occurrences(maintenance_windows, timestamptz, timestamptz);
DROP TABLE maintenance_window_checks, maintenance_windows;
