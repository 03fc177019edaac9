/**
 * An account's checks per dashboard state, from the ledger that triggers on `checks` keep (migration 013):
 * a sum over a handful of rows instead of a pass over the account's checks.
 */
import type { Pool } from '@pingdummy/shared';

/** Past this many ledger rows an account's rows are folded into one per state (checks created in bulk leave many). */
const FOLD_ABOVE_ROWS = 200;

/** Checks per state ('paused' for a paused check, else its state); states without checks are absent. */
export async function checkStateCounts(db: Pool, accountId: string): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT state, sum(delta)::int AS checks, count(*)::int AS ledger_rows FROM check_state_ledger WHERE account_id = $1 GROUP BY state`,
    [accountId],
  );
  const counts = new Map<string, number>();
  let ledgerRows = 0;
  for (const row of rows) {
    ledgerRows += row.ledger_rows;
    if (row.checks > 0) counts.set(row.state, row.checks);
  }
  if (ledgerRows > FOLD_ABOVE_ROWS) await foldLedger(db, accountId);
  return counts;
}

/**
 * Replaces an account's ledger rows by their sum per state. Safe alongside the triggers and another fold: the
 * DELETE takes only the rows it sees, so a change written meanwhile stays as its own row.
 */
export async function foldLedger(db: Pool, accountId: string): Promise<void> {
  await db.query(
    `WITH folded AS (DELETE FROM check_state_ledger WHERE account_id = $1 RETURNING state, delta)
     INSERT INTO check_state_ledger (account_id, state, delta)
     SELECT $1, state, sum(delta) FROM folded GROUP BY state HAVING sum(delta) <> 0`,
    [accountId],
  );
}
