import type { Pool } from '@pingdummy/shared';

/**
 * A dashboard search as a condition on `checks`, written with `$2` (the account is `$1`), and the value
 * to pass as `$2`.
 */
export interface SearchFilter {
  readonly sql: string;
  readonly value: unknown;
  /** False when there is no search: the counts then come from the state ledger. */
  readonly searching: boolean;
}

/** Up to this many matches are read by id; past it the search scans the account's checks in page order. */
const MAX_MATCHES_BY_ID = 5_000;

const NO_SEARCH: SearchFilter = { sql: `$2::text IS NULL`, value: null, searching: false };

/** `%`, `_` and `\` are plain characters in a search: escaped for LIKE. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * The checks whose name or URL contains `search`, case-insensitively. The matches are found in
 * `check_search` (migration 016: names and URLs lower-cased when written, with trigram indexes, in a
 * table the probe engine's updates never touch), then used by id: a search among 100,000 checks
 * reads its few matches instead of every row. A search matching more than MAX_MATCHES_BY_ID checks
 * falls back to a scan of the account in page order, where a page fills after a few rows anyway.
 */
export async function searchFilter(db: Pool, accountId: string, search: string | null): Promise<SearchFilter> {
  if (search === null) return NO_SEARCH;
  const { rows } = await db.query<{ check_id: string }>(
    `SELECT check_id FROM check_search
      WHERE account_id = $1 AND (name_lower LIKE '%' || lower($2) || '%' OR url_lower LIKE '%' || lower($2) || '%')
      LIMIT ${MAX_MATCHES_BY_ID + 1}`,
    [accountId, escapeLike(search)],
  );
  if (rows.length <= MAX_MATCHES_BY_ID) return { sql: `id = ANY($2::uuid[])`, value: rows.map((row) => row.check_id), searching: true };
  return { sql: `(strpos(lower(name), lower($2)) > 0 OR strpos(lower(url), lower($2)) > 0)`, value: search, searching: true };
}
