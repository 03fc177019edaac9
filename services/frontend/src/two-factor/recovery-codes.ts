import { createHash, randomInt } from 'node:crypto';
import type { PoolClient } from '@pingdummy/shared';

export const RECOVERY_CODE_COUNT = 10;
/** Letters and digits that cannot be mistaken for each other (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes like `k7m2p-x9qrt` (about 49 bits each), shown once; only their SHA-256 is stored. */
export function newRecoveryCodes(): string[] {
  const part = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part()}-${part()}`);
}

/** What people type back: case, spaces and a missing dash do not matter. */
export function normalizeRecoveryCode(code: string): string {
  const compact = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : compact;
}

export const hashRecoveryCode = (code: string) => createHash('sha256').update(normalizeRecoveryCode(code)).digest();

/** Replaces the user's recovery codes (the old ones stop working). */
export async function replaceRecoveryCodes(client: PoolClient, userId: string, codes: string[]): Promise<void> {
  await client.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
  await client.query(`INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, [userId, codes.map(hashRecoveryCode)]);
}
