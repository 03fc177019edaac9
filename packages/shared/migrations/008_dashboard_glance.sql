-- Up Migration

-- The colour theme a user picked: 'system' follows the browser's prefers-color-scheme.
ALTER TABLE users ADD COLUMN theme text NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark'));

-- A check's public status badge (/badge/<token>.svg): off while NULL. A random token, so the badge's address
-- reveals neither the check's id nor that of any other check.
ALTER TABLE checks ADD COLUMN badge_token text UNIQUE CHECK (badge_token ~ '^[A-Za-z0-9_-]{16,64}$');

-- The dashboard's page in its order (problems first, then by name; services/frontend/src/data/dashboard-checks.ts)
-- read from an index, so page 1 of an account with 100,000 checks stops after 50 entries instead of sorting them
-- all. The expression must stay identical to the query's: test/data/dashboard-indexes.test.ts checks it is used.
CREATE INDEX checks_dashboard_order_idx ON checks (
  account_id,
  array_position(ARRAY['down', 'degraded', 'pending', 'up', 'paused']::text[], CASE WHEN paused THEN 'paused' ELSE state END),
  lower(name),
  id);

-- Down Migration
DROP INDEX checks_dashboard_order_idx;
ALTER TABLE checks DROP COLUMN badge_token;
ALTER TABLE users DROP COLUMN theme;
