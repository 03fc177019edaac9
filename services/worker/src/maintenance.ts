import type { PoolClient } from '@pingdummy/shared';

/** A round as the maintenance test needs it: which check, of which account, due when. */
export interface RoundOfCheck {
  id: string;
  accountId: string;
  scheduledAt: Date;
}

/**
 * The checks whose round falls inside a maintenance window of their account (one for all checks, or one that
 * names the check), judged at the round's due time so a retried round gets the same answer. One statement per
 * recorded batch; `maintenance_occurrences` (migration 007) is the definition the frontend shows too.
 */
export async function checksInMaintenance(client: PoolClient, rounds: readonly RoundOfCheck[]): Promise<Set<string>> {
  if (rounds.length === 0) return new Set();
  const { rows } = await client.query({
    name: 'checks-in-maintenance',
    text: `SELECT u.check_id::text AS check_id
     FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS u(check_id, account_id, at)
     WHERE EXISTS (
       SELECT 1 FROM maintenance_windows w
       WHERE w.account_id = u.account_id
         AND (w.all_checks OR EXISTS (
               SELECT 1 FROM maintenance_window_checks wc WHERE wc.window_id = w.id AND wc.check_id = u.check_id))
         AND EXISTS (SELECT 1 FROM maintenance_occurrences(w, u.at, u.at + interval '1 millisecond')))`,
    values: [rounds.map((round) => round.id), rounds.map((round) => round.accountId), rounds.map((round) => round.scheduledAt)],
  });
  return new Set(rows.map((row) => row.check_id as string));
}
