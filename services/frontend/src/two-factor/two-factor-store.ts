import { withTransaction, type Pool } from '@pingdummy/shared';
import { hashRecoveryCode, newRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.js';
import { newTotpSecret, totpStepOf } from './totp.js';

/**
 * The secret being enrolled (stored but unused until confirmed): the same one on every visit of the enrolment
 * page until it is confirmed, so a reload does not invalidate what the app just scanned. Null when 2FA is on.
 */
export async function pendingTotpSecret(db: Pool, userId: string): Promise<string | null> {
  const { rows } = await db.query(
    `UPDATE users SET totp_secret = coalesce(totp_secret, $2) WHERE id = $1 AND totp_enabled_at IS NULL RETURNING totp_secret`,
    [userId, newTotpSecret()],
  );
  return rows[0]?.totp_secret ?? null;
}

/**
 * Checks a TOTP code and records its step in the same statement, so a code (or an older one) cannot be used
 * twice, even by two requests at once. `enabledOnly` false: the code confirms an enrolment.
 */
async function useTotpCode(db: Pool, userId: string, code: string, enabledOnly: boolean): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT totp_secret FROM users WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_enabled_at IS NOT NULL) = $2`,
    [userId, enabledOnly],
  );
  const secret = rows[0]?.totp_secret as string | undefined;
  const step = secret ? totpStepOf(secret, code) : null;
  if (step === null) return false;
  const { rowCount } = await db.query(
    `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [userId, step],
  );
  return (rowCount ?? 0) > 0;
}

/** Turns 2FA on when `code` matches the pending secret; returns the new recovery codes, or null. */
export async function confirmTwoFactor(db: Pool, userId: string, code: string): Promise<string[] | null> {
  if (!(await useTotpCode(db, userId, code, false))) return null;
  const codes = newRecoveryCodes();
  await withTransaction(db, async (client) => {
    await client.query(`UPDATE users SET totp_enabled_at = now() WHERE id = $1`, [userId]);
    await replaceRecoveryCodes(client, userId, codes);
  });
  return codes;
}

/** The second factor at sign-in or re-authentication: a current TOTP code, or an unused recovery code (used up). */
export async function verifySecondFactor(db: Pool, userId: string, code: string): Promise<'totp' | 'recovery-code' | null> {
  if (await useTotpCode(db, userId, code, true)) return 'totp';
  const { rowCount } = await db.query(
    `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
    [userId, hashRecoveryCode(code)],
  );
  return (rowCount ?? 0) > 0 ? 'recovery-code' : null;
}

export async function regenerateRecoveryCodes(db: Pool, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await withTransaction(db, (client) => replaceRecoveryCodes(client, userId, codes));
  return codes;
}

export async function unusedRecoveryCodeCount(db: Pool, userId: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, [userId]);
  return rows[0].n;
}

export async function disableTwoFactor(db: Pool, userId: string): Promise<void> {
  await withTransaction(db, async (client) => {
    await client.query(`UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`, [userId]);
    await client.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  });
}
