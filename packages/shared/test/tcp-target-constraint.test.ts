import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { formatTcpTarget } from '../src/tcp-target.js';

let db: TestDatabase;
let accountId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  accountId = (await db.pool.query(`INSERT INTO accounts (name, slug) VALUES ('a', 'acme') RETURNING id`)).rows[0].id;
});
afterAll(async () => {
  await db.drop();
});

const insert = (kind: string, url: string) =>
  db.pool.query(`INSERT INTO checks (account_id, name, url, kind) VALUES ($1, 'x', $2, $3)`, [accountId, url, kind]);

test('a TCP check holds a tcp:// or tls:// target, written as formatTcpTarget writes it', async () => {
  await insert('tcp', formatTcpTarget({ host: 'db.example.com', port: 5432, tls: false }));
  await insert('tcp', formatTcpTarget({ host: '2001:db8::1', port: 993, tls: true }));
  await insert('http', 'https://example.com/');
});

test.each([
  ['tcp', 'https://example.com/'],
  ['tcp', 'tcp://db.example.com'],
  ['tcp', 'tcp://db.example.com:5432/path'],
  ['http', 'tcp://db.example.com:5432'],
])('the database refuses a %s check with url %s', async (kind, url) => {
  await expect(insert(kind, url)).rejects.toThrow(/checks_tcp_target/);
});
