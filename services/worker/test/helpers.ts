import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pool } from '@pingdummy/shared';

export const BEACON_TOKEN = 'test-beacon-token-0123456789';

export interface TestServer {
  url: string;
  /** Requests seen, per path. */
  hits: Map<string, number>;
  /** Bodies received, in order (for webhook receivers). */
  received: { path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A real HTTP server on loopback whose behaviour the test sets per request. */
export async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<TestServer> {
  const hits = new Map<string, number>();
  const received: TestServer['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      hits.set(path, (hits.get(path) ?? 0) + 1);
      received.push({ path, headers: req.headers, body });
      void handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function seedAccount(pool: Pool, slug = `acct-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const { rows } = await pool.query(`INSERT INTO accounts (name, slug) VALUES ($1, $1) RETURNING id`, [slug]);
  return rows[0].id;
}

export interface CheckFields {
  name?: string;
  url: string;
  intervalSeconds?: number;
  timeoutMs?: number;
  failuresBeforeDown?: number;
  recoveriesBeforeUp?: number;
  regions?: string[];
  nextDueAt?: Date;
  degradedThresholdMs?: number | null;
}

export async function insertCheck(pool: Pool, accountId: string, fields: CheckFields): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO checks (account_id, name, url, interval_seconds, timeout_ms, failures_before_down,
                         recoveries_before_up, regions, next_due_at, degraded_threshold_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), $10) RETURNING id`,
    [
      accountId,
      fields.name ?? 'check',
      fields.url,
      fields.intervalSeconds ?? 10,
      fields.timeoutMs ?? 3000,
      fields.failuresBeforeDown ?? 1,
      fields.recoveriesBeforeUp ?? 1,
      fields.regions ?? [],
      fields.nextDueAt ?? null,
      fields.degradedThresholdMs ?? null,
    ],
  );
  return rows[0].id;
}

/** Polls `probe` until it returns a truthy value or the time is up. */
export async function waitFor<T>(probe: () => Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The check's row as stored. */
export async function checkRow(pool: Pool, id: string) {
  const { rows } = await pool.query(`SELECT * FROM checks WHERE id = $1`, [id]);
  return rows[0];
}

/** Makes the check due now once its current round is recorded, and waits for that next round (a running worker probes it). */
export async function probeAgain(pool: Pool, id: string) {
  await waitFor(async () => ((await checkRow(pool, id)).lease_owner === null ? true : null), 15_000, 'the lease to be released');
  const forced = await pool.query(`UPDATE checks SET next_due_at = now() WHERE id = $1 RETURNING next_due_at`, [id]);
  const dueAt: Date = forced.rows[0].next_due_at;
  // A recorded round moves the due time one interval past the forced one.
  return waitFor(async () => {
    const row = await checkRow(pool, id);
    return row.lease_owner === null && row.next_due_at.getTime() > dueAt.getTime() ? row : null;
  }, 15_000, 'the next round');
}
