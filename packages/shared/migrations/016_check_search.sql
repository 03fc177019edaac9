-- Up Migration

-- What the dashboard's search reads: each check's name and URL, lower-cased once when they are written,
-- in a narrow table of their own with trigram indexes (pg_trgm, a trusted extension: the database's
-- owner may create it). A search finds its matches in the indexes instead of lower()ing every wide
-- `checks` row, and the probe engine's updates of `checks` never touch this table (the trigger fires
-- only when a name, URL or account is written), unlike an index on `checks` itself would.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE check_search (
  check_id   uuid PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
  account_id uuid NOT NULL,
  name_lower text NOT NULL,
  url_lower  text NOT NULL
);
CREATE INDEX check_search_account_id_idx ON check_search (account_id);
CREATE INDEX check_search_name_trgm_idx ON check_search USING gin (name_lower gin_trgm_ops);
CREATE INDEX check_search_url_trgm_idx ON check_search USING gin (url_lower gin_trgm_ops);

CREATE FUNCTION check_search_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO check_search (check_id, account_id, name_lower, url_lower)
  VALUES (NEW.id, NEW.account_id, lower(NEW.name), lower(NEW.url))
  ON CONFLICT (check_id) DO UPDATE
    SET account_id = EXCLUDED.account_id, name_lower = EXCLUDED.name_lower, url_lower = EXCLUDED.url_lower;
  RETURN NULL;
END;
$$;

CREATE TRIGGER checks_search_written AFTER INSERT OR UPDATE OF name, url, account_id ON checks
  FOR EACH ROW EXECUTE FUNCTION check_search_write();

INSERT INTO check_search (check_id, account_id, name_lower, url_lower)
SELECT id, account_id, lower(name), lower(url) FROM checks;

-- Down Migration
DROP TRIGGER checks_search_written ON checks;
DROP FUNCTION check_search_write();
DROP TABLE check_search;
-- pg_trgm stays: other objects may use it.
