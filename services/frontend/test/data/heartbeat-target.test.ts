import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { listDashboardChecks } from '../../src/data/dashboard-checks.js';
import { createHeartbeatCheck } from '../../src/data/heartbeats.js';
import { getStatusPage } from '../../src/data/status-page.js';
import { checkTargetText } from '../../src/data/tcp-check.js';
import { insertAccount } from './fixtures.js';

/** A heartbeat check has no URL: lists and the status page show its schedule instead of an empty target. */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

test('the dashboard and the status page name a heartbeat check by its period or its cron schedule', async () => {
  const account = await insertAccount(db.pool, { statusPage: true });
  const options = { checkLimit: 10 };
  await createHeartbeatCheck(db.pool, account.accountId, { name: 'a hourly', periodSeconds: 3600, isPublic: true }, options);
  await createHeartbeatCheck(db.pool, account.accountId, { name: 'b nightly', cron: '0 2 * * *', timezone: 'Europe/Paris', isPublic: true }, options);
  await db.pool.query(`UPDATE checks SET show_url_publicly = true WHERE account_id = $1`, [account.accountId]);

  const page = await listDashboardChecks(db.pool, account.accountId, { search: '', state: null, page: 1 });
  expect(page.checks.map((check) => checkTargetText(check.url, check.heartbeat))).toEqual([
    'heartbeat, every 1 h 0 min',
    'heartbeat, cron 0 2 * * * (Europe/Paris)',
  ]);
  const status = await getStatusPage(db.pool, account.slug);
  expect(status!.checks.map((check) => [check.name, check.url])).toEqual([
    ['a hourly', 'heartbeat, every 1 h 0 min'],
    ['b nightly', 'heartbeat, cron 0 2 * * * (Europe/Paris)'],
  ]);
  // Probed checks keep their URL or host:port.
  expect(checkTargetText('https://example.com/', null)).toBe('https://example.com/');
  expect(checkTargetText('tls://db.example.com:5432', null)).toBe('db.example.com:5432');
});
