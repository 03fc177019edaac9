-- Up Migration

-- The colour theme a user picked: 'system' follows the browser's prefers-color-scheme.
ALTER TABLE users ADD COLUMN theme text NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark'));

-- A check's public status badge (/badge/<token>.svg): off while NULL. A random token, so the badge's address
-- reveals neither the check's id nor that of any other check.
ALTER TABLE checks ADD COLUMN badge_token text UNIQUE CHECK (badge_token ~ '^[A-Za-z0-9_-]{16,64}$');

-- Down Migration
ALTER TABLE checks DROP COLUMN badge_token;
ALTER TABLE users DROP COLUMN theme;
