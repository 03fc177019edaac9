// The one user a dashboard benchmark measures as: signed up through the real form, then signed in.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { Browser } from './http-timing.js';

export interface BenchUser {
  /** Signed in: its cookie jar holds the session. */
  readonly browser: Browser;
  readonly userId: string;
  readonly accountId: string;
  /** The account's status page slug. */
  readonly slug: string;
}

/** Signs a new user up on the frontend at `url`, signs it in, and reads its ids from the database. */
export async function signUpBenchUser(url: string, db: pg.Pool): Promise<BenchUser> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'bench-password-0123456789';
  await new Browser(url).submitCredentials('/signup', email, password);
  const browser = new Browser(url);
  await browser.submitCredentials('/login', email, password);
  const { rows } = await db.query(`SELECT u.id, u.account_id, a.slug FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = $1`, [email]);
  return { browser, userId: rows[0].id, accountId: rows[0].account_id, slug: rows[0].slug };
}
