-- Up Migration

-- How many checks an account has per dashboard state ('paused' for a paused check, else its state), kept as a
-- ledger of +1/-1 rows written by triggers, so the dashboard sums a handful of rows instead of counting the
-- account's checks on every request (49 ms at 100,000 checks). Append-only: a state change takes no lock on a
-- shared counter row, so workers recording rounds for the same account never wait on (or deadlock over) it.
-- The frontend folds an account's rows into one per state once they pile up (services/frontend/src/data/
-- check-state-counts.ts). No foreign key: the rows of a deleted account sum to zero and are harmless.
CREATE TABLE check_state_ledger (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id uuid NOT NULL,
  state      text NOT NULL,
  delta      integer NOT NULL
);
CREATE INDEX check_state_ledger_account_idx ON check_state_ledger (account_id) INCLUDE (state, delta);

CREATE FUNCTION record_check_state_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO check_state_ledger (account_id, state, delta)
    VALUES (OLD.account_id, CASE WHEN OLD.paused THEN 'paused' ELSE OLD.state END, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO check_state_ledger (account_id, state, delta)
    VALUES (NEW.account_id, CASE WHEN NEW.paused THEN 'paused' ELSE NEW.state END, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER checks_state_ledger_insert AFTER INSERT ON checks FOR EACH ROW EXECUTE FUNCTION record_check_state_change();
CREATE TRIGGER checks_state_ledger_delete AFTER DELETE ON checks FOR EACH ROW EXECUTE FUNCTION record_check_state_change();
-- The worker sets `state` on every check of a round; the WHEN condition (evaluated without calling the function)
-- keeps the ledger to real changes.
CREATE TRIGGER checks_state_ledger_update AFTER UPDATE OF state, paused, account_id ON checks FOR EACH ROW
  WHEN ((CASE WHEN OLD.paused THEN 'paused' ELSE OLD.state END) IS DISTINCT FROM (CASE WHEN NEW.paused THEN 'paused' ELSE NEW.state END)
        OR OLD.account_id IS DISTINCT FROM NEW.account_id)
  EXECUTE FUNCTION record_check_state_change();

-- The checks that exist already (CREATE TRIGGER locked the table against writes until this commits).
INSERT INTO check_state_ledger (account_id, state, delta)
SELECT account_id, CASE WHEN paused THEN 'paused' ELSE state END, count(*) FROM checks GROUP BY 1, 2;

-- Down Migration
DROP TRIGGER checks_state_ledger_update ON checks;
DROP TRIGGER checks_state_ledger_delete ON checks;
DROP TRIGGER checks_state_ledger_insert ON checks;
DROP FUNCTION record_check_state_change();
DROP TABLE check_state_ledger;
