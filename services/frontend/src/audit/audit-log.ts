import type { Pool } from '@pingdummy/shared';
import { isUuid } from '../data/ids.js';

/** One change: who, when, what (type, id, name) and the changed fields' before/after (secrets shown as "(changed)"). */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { userId: string | null; tokenId: string | null; label: string };
  action: 'created' | 'changed' | 'deleted';
  targetType: string;
  targetId: string;
  targetName: string | null;
  changes: Record<string, { before?: unknown; after?: unknown }>;
}

export interface AuditPage {
  entries: AuditEntry[];
  page: number;
  pageSize: number;
  total: number;
}

export const AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 200;

/** A page of the account's audit log, newest first. */
export async function listAuditLog(db: Pool, accountId: string, options: { page: number; pageSize?: number }): Promise<AuditPage> {
  const pageSize = options.pageSize ?? AUDIT_PAGE_SIZE;
  if (!isUuid(accountId)) return { entries: [], page: options.page, pageSize, total: 0 };
  const [rows, count] = await Promise.all([
    db.query(
      `SELECT id, created_at, actor_user_id, actor_token_id, actor_label, action, target_type, target_id, target_name, changes
       FROM audit_log WHERE account_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
      [accountId, pageSize, (options.page - 1) * pageSize],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE account_id = $1`, [accountId]),
  ]);
  return {
    entries: rows.rows.map((row) => ({
      id: String(row.id),
      at: row.created_at.toISOString(),
      actor: { userId: row.actor_user_id, tokenId: row.actor_token_id, label: row.actor_label },
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      targetName: row.target_name,
      changes: row.changes,
    })),
    page: options.page,
    pageSize,
    total: count.rows[0]!.n,
  };
}

const shown = (value: unknown): string => (value === undefined || value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** One line per changed field, e.g. `name: "Old" → "New"`, for the audit page. */
export function describeChanges(entry: AuditEntry): string[] {
  return Object.entries(entry.changes).map(([field, { before, after }]) =>
    entry.action === 'created' ? `${field}: ${shown(after)}` : entry.action === 'deleted' ? `${field}: ${shown(before)}` : `${field}: ${shown(before)} → ${shown(after)}`,
  );
}
