import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildAlertBody, createGuardedAgent, createLogger } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { deliverDueNotifications } from '../src/notifier/notifier.js';
import { WebhookSender } from '../src/notifier/webhook-sender.js';
import { seedAccount, startServer, type TestServer } from './helpers.js';

/** The README's verification recipes, run as written against a real signed delivery from the notifier. */

const run = promisify(execFile);
const SECRET = 'whsec_0123456789abcdef0123456789abcdef0123456789abcdef';
let db: TestDatabase;
let receiver: TestServer;
let workdir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startServer((_req, res) => {
    res.end('ok');
  });
  workdir = await mkdtemp(path.join(tmpdir(), 'pingdummy-signature-'));
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
  await rm(workdir, { recursive: true, force: true });
});

/** The fenced code block that follows `<!-- marker -->` in the worker's README. */
async function readmeSnippet(marker: string): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no code block after <!-- ${marker} -->`);
  return match[1]!;
}

/** Exit code of the README's Node recipe, given the delivery's header and the body file. */
async function verifyWithNode(signature: string, bodyFile: string, secret = SECRET): Promise<number> {
  const script = path.join(workdir, 'verify.mjs');
  await writeFile(
    script,
    `${await readmeSnippet('verify-webhook-node')}\n` +
      `import { readFileSync } from 'node:fs';\n` +
      `process.exit(verifyPingdummySignature(process.env.SECRET, process.env.SIGNATURE, readFileSync(process.env.BODY_FILE)) ? 0 : 1);\n`,
  );
  return exitCode(run(process.execPath, [script], { env: { SECRET: secret, SIGNATURE: signature, BODY_FILE: bodyFile } }));
}

/** Exit code of the README's shell recipe (sh + openssl). */
async function verifyWithShell(signature: string, bodyFile: string, secret = SECRET): Promise<number> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SECRET: secret, SIGNATURE: signature, BODY_FILE: bodyFile };
  return exitCode(run('sh', ['-c', await readmeSnippet('verify-webhook-shell')], { env }));
}

async function exitCode(child: Promise<unknown>): Promise<number> {
  try {
    await child;
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

test('a real delivery verifies with the README recipes (Node and openssl); a changed body or another secret does not', async () => {
  const accountId = await seedAccount(db.pool);
  const { rows } = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target, secret) VALUES ($1, 'hook', 'webhook', $2, $3) RETURNING id`,
    [accountId, `${receiver.url}/signed`, SECRET],
  );
  const payload = buildAlertBody({ event: 'test', occurredAt: new Date(), channelName: 'hook "quoted" — ünïcode' });
  await db.pool.query(
    `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key) VALUES ($1, $2, 'test', $3, 'sig-1')`,
    [accountId, rows[0].id, JSON.stringify(payload)],
  );
  const agent = createGuardedAgent({ allowCidrs: ['127.0.0.1/32'] });
  await deliverDueNotifications({ pool: db.pool, logger: createLogger('test', 'silent'), senders: { webhook: new WebhookSender(agent) }, maxAttempts: 3 });
  await agent.close();

  const delivered = receiver.received.find((request) => request.path === '/signed');
  expect(delivered).toBeDefined();
  const signature = String(delivered!.headers['pingdummy-signature']);
  expect(signature).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
  const bodyFile = path.join(workdir, 'body.json');
  await writeFile(bodyFile, delivered!.body);

  expect(await verifyWithNode(signature, bodyFile)).toBe(0);
  expect(await verifyWithShell(signature, bodyFile)).toBe(0);

  expect(await verifyWithNode(signature, bodyFile, `${SECRET}x`)).toBe(1);
  expect(await verifyWithShell(signature, bodyFile, `${SECRET}x`)).toBe(1);
  const tampered = path.join(workdir, 'tampered.json');
  await writeFile(tampered, delivered!.body.replace('"test"', '"down"'));
  expect(await verifyWithNode(signature, tampered)).toBe(1);
  expect(await verifyWithShell(signature, tampered)).toBe(1);
  // A replay an hour later: the timestamp is part of what is signed, so it cannot be refreshed.
  const old = signature.replace(/^t=(\d+)/, (_all, t: string) => `t=${Number(t) - 3600}`);
  expect(await verifyWithNode(old, bodyFile)).toBe(1);
  expect(await verifyWithShell(old, bodyFile)).toBe(1);
});
