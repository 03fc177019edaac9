import { startBeacon, parseBeaconConfig } from '@pingdummy/beacon';
import { buildAlertBody, createLogger, type RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { parseWorkerConfig, startWorker, type RunningWorker } from '../src/index.js';
import { BEACON_TOKEN, checkRow as checkRowOf, insertCheck, probeAgain as probeAgainOf, seedAccount, startServer, waitFor, type TestServer } from './helpers.js';

/**
 * Every native integration through the real worker: a real beacon probes a local target that goes down
 * and comes back; the state changes put deliveries in the outbox and the notifier sends them, in each
 * provider's documented format, to one local receiver that plays Slack, Discord, Teams, PagerDuty,
 * Opsgenie and Telegram (the provider API bases point at it through the worker's config).
 */

const ROUTING_KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12'; // 32 characters, like a PagerDuty integration key
const OPSGENIE_KEY = '8c6b2d4e-0f1a-4b3c-9d8e-7f6a5b4c3d2e';
const BOT_TOKEN = '123456789:AAE-test-bot-token-0123456789abcdefghij';
const logLines: string[] = [];
const capturing = createLogger('worker', 'info', { write: (line: string) => void logLines.push(line) });
const quiet = createLogger('test', 'silent');

let db: TestDatabase;
let beacon: RunningHttpService;
let target: TestServer;
let receiver: TestServer;
let worker: RunningWorker;
let targetStatus = 200;

/** What each provider answers on success, per its documentation. */
function answer(path: string, body: string): { status: number; body: string } {
  if (path.startsWith('/telegram/') && body.includes('"chat_id":"@nosuchchannel"')) {
    return { status: 400, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' };
  }
  if (path.startsWith('/slack/')) return { status: 200, body: 'ok' };
  if (path.startsWith('/discord/')) return { status: 204, body: '' };
  if (path.startsWith('/teams/')) return { status: 202, body: '' };
  if (path.startsWith('/pagerduty/')) return { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' };
  if (path.startsWith('/opsgenie/')) return { status: 202, body: '{"result":"Request will be processed","took":0.01,"requestId":"r"}' };
  if (path.startsWith('/telegram/')) return { status: 200, body: '{"ok":true,"result":{"message_id":1}}' };
  return { status: 404, body: '' };
}

beforeAll(async () => {
  db = await createTestDatabase();
  target = await startServer((_req, res) => {
    res.statusCode = targetStatus;
    res.end(targetStatus === 200 ? 'all good' : 'broken');
  });
  receiver = await startServer((req, res, requestBody) => {
    const { status, body } = answer(req.url ?? '/', requestBody);
    res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' });
    res.end(body);
  });
  beacon = await startBeacon(
    parseBeaconConfig({ BEACON_TOKEN, PORT: '0', PGDUMMY_REGION: 'local', BEACON_ALLOW_CIDRS: '127.0.0.1/32' }),
    { handleSignals: false, logger: quiet },
  );
  worker = await startWorker(
    parseWorkerConfig({
      DATABASE_URL: db.url,
      BEACON_URLS: `local=${beacon.url}`,
      BEACON_TOKEN,
      PORT: '0',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      NOTIFIER_POLL_MS: '100',
      PAGERDUTY_API_BASE: `${receiver.url}/pagerduty`,
      OPSGENIE_API_BASE: `${receiver.url}/opsgenie`,
      TELEGRAM_API_BASE: `${receiver.url}/telegram/`,
      PUBLIC_URL: 'https://pingdummy.example.com',
      LOG_LEVEL: 'info',
    }),
    { handleSignals: false, logger: capturing },
  );
});

afterAll(async () => {
  await worker.stop();
  await beacon.stop();
  await target.close();
  await receiver.close();
  await db.drop();
});

const checkRow = (id: string) => checkRowOf(db.pool, id);
const probeAgain = (id: string) => probeAgainOf(db.pool, id);

type Received = { method: string; path: string; headers: Record<string, string | string[] | undefined>; json: Record<string, unknown> };
/** The requests one provider received, in order, with their JSON bodies. */
const requestsTo = (prefix: string): Received[] =>
  receiver.received
    .filter((request) => request.path.startsWith(prefix))
    .map((request) => ({ method: 'POST', path: request.path, headers: request.headers, json: JSON.parse(request.body) }));

test('down and up reach every provider in its documented request shape, through the outbox', async () => {
  const accountId = await seedAccount(db.pool);
  const checkUrl = `${target.url}/health`;
  const checkId = await insertCheck(db.pool, accountId, { name: 'Shop API', url: checkUrl, intervalSeconds: 60 });
  const channels: [string, string, string | null][] = [
    ['slack', `${receiver.url}/slack/services/T000/B000/XXXX`, null],
    ['discord', `${receiver.url}/discord/api/webhooks/123/tok`, null],
    ['teams', `${receiver.url}/teams/workflows/abc/triggers/manual/paths/invoke?sig=s`, null],
    ['pagerduty', 'us', ROUTING_KEY],
    ['opsgenie', 'us', OPSGENIE_KEY],
    ['telegram', '-1001234567890', BOT_TOKEN],
  ];
  for (const [kind, channelTarget, secret] of channels) {
    const { rows } = await db.pool.query(
      `INSERT INTO notification_channels (account_id, name, kind, target, secret) VALUES ($1, $2, $2, $3, $4) RETURNING id`,
      [accountId, kind, channelTarget, secret],
    );
    await db.pool.query(`INSERT INTO check_channels (check_id, channel_id) VALUES ($1, $2)`, [checkId, rows[0].id]);
  }

  await waitFor(async () => ((await checkRow(checkId)).state === 'up' ? true : null), 15_000, 'up');
  targetStatus = 500;
  expect((await probeAgain(checkId)).state).toBe('down');
  const incident = (await db.pool.query(`SELECT id, cause FROM incidents WHERE check_id = $1`, [checkId])).rows[0];
  await waitFor(async () => ((await db.pool.query(`SELECT 1 FROM deliveries WHERE status = 'pending'`)).rowCount === 0 ? true : null), 10_000, 'down deliveries');
  targetStatus = 200;
  expect((await probeAgain(checkId)).state).toBe('up');
  await waitFor(async () => ((await db.pool.query(`SELECT 1 FROM deliveries WHERE status = 'pending'`)).rowCount === 0 ? true : null), 10_000, 'up deliveries');

  const deliveries = await db.pool.query(
    `SELECT ch.kind, d.event, d.status, d.last_error FROM deliveries d JOIN notification_channels ch ON ch.id = d.channel_id ORDER BY ch.kind, d.id`,
  );
  expect(deliveries.rows).toEqual(
    ['discord', 'opsgenie', 'pagerduty', 'slack', 'teams', 'telegram'].flatMap((kind) => [
      { kind, event: 'down', status: 'delivered', last_error: null },
      { kind, event: 'up', status: 'delivered', last_error: null },
    ]),
  );
  const link = `https://pingdummy.example.com/checks/${checkId}`;

  // Slack: Block Kit with a text fallback, to the incoming-webhook URL as given.
  const slack = requestsTo('/slack/');
  expect(slack.map((r) => r.path)).toEqual(['/slack/services/T000/B000/XXXX', '/slack/services/T000/B000/XXXX']);
  expect(slack[0]!.headers['content-type']).toBe('application/json');
  expect(slack[0]!.json).toMatchObject({
    text: expect.stringContaining('Shop API is DOWN'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*<${link}|🔴 Shop API is DOWN — ${incident.cause}>*` } },
      { type: 'section', fields: expect.arrayContaining([{ type: 'mrkdwn', text: `*Check*\nShop API` }]) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: expect.stringContaining('down') }] },
    ],
  });
  expect(slack[1]!.json.text).toContain('Shop API is UP again');

  // Discord: one embed, coloured by event; mentions disabled.
  const discord = requestsTo('/discord/');
  expect(discord).toHaveLength(2);
  expect(discord[0]!.json).toMatchObject({
    username: 'Pingdummy',
    allowed_mentions: { parse: [] },
    embeds: [{ title: `🔴 Shop API is DOWN — ${incident.cause}`, url: link, color: 0xe01e5a, timestamp: expect.any(String), fields: expect.arrayContaining([{ name: 'URL', value: checkUrl, inline: true }]) }],
  });
  expect((discord[1]!.json.embeds as { color: number }[])[0]!.color).toBe(0x2eb67d);

  // Teams: an Adaptive Card in the Workflows envelope, query string (the workflow's signature) kept.
  const teams = requestsTo('/teams/');
  expect(teams[0]!.path).toBe('/teams/workflows/abc/triggers/manual/paths/invoke?sig=s');
  expect(teams[0]!.json).toMatchObject({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: expect.arrayContaining([{ type: 'TextBlock', text: `🔴 Shop API is DOWN — ${incident.cause}`, weight: 'Bolder', size: 'Medium', wrap: true }]),
          actions: [{ type: 'Action.OpenUrl', title: 'Open check', url: link }],
        },
      },
    ],
  });

  // PagerDuty Events API v2: trigger on down, resolve on up, one dedup_key per incident.
  const pagerduty = requestsTo('/pagerduty/');
  expect(pagerduty.map((r) => r.path)).toEqual(['/pagerduty/v2/enqueue', '/pagerduty/v2/enqueue']);
  const dedupKey = `pingdummy-incident-${incident.id}`;
  expect(pagerduty[0]!.json).toMatchObject({
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: { summary: `🔴 Shop API is DOWN — ${incident.cause}`, source: '127.0.0.1', severity: 'critical', timestamp: expect.any(String), component: 'Shop API' },
    client: 'Pingdummy',
    client_url: link,
    links: [{ href: link, text: expect.any(String) }],
  });
  expect(pagerduty[1]!.json).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: dedupKey });

  // Opsgenie: create with the incident as alias, close by that alias; GenieKey authorization.
  const opsgenie = requestsTo('/opsgenie/');
  expect(opsgenie.map((r) => r.path)).toEqual(['/opsgenie/v2/alerts', `/opsgenie/v2/alerts/${dedupKey}/close?identifierType=alias`]);
  expect(opsgenie.map((r) => r.headers.authorization)).toEqual([`GenieKey ${OPSGENIE_KEY}`, `GenieKey ${OPSGENIE_KEY}`]);
  expect(opsgenie[0]!.json).toMatchObject({
    message: `🔴 Shop API is DOWN — ${incident.cause}`.slice(0, 130),
    alias: dedupKey,
    source: 'Pingdummy',
    entity: 'Shop API',
    priority: 'P1',
    details: { url: checkUrl, link, cause: incident.cause },
  });
  expect(opsgenie[1]!.json).toMatchObject({ source: 'Pingdummy', note: expect.stringContaining('Recovered') });

  // Telegram: sendMessage with the bot token in the path and a numeric chat id.
  const telegram = requestsTo('/telegram/');
  expect(telegram.map((r) => r.path)).toEqual([`/telegram/bot${BOT_TOKEN}/sendMessage`, `/telegram/bot${BOT_TOKEN}/sendMessage`]);
  expect(telegram[0]!.json).toMatchObject({
    chat_id: -1001234567890,
    text: expect.stringMatching(/^<b>🔴 Shop API is DOWN — .*<\/b>\n/),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
  expect(telegram[0]!.json.text).toContain(`<a href="${link}">`);
  expect(telegram[1]!.json.text).toContain('Shop API is UP again');

  // No credential ever reaches the logs.
  const logs = logLines.join('\n');
  expect(logs).toContain('notification delivered');
  for (const secret of [ROUTING_KEY, OPSGENIE_KEY, BOT_TOKEN]) expect(logs).not.toContain(secret);
});

async function queueTest(accountId: string, kind: string, channelTarget: string, secret: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO notification_channels (account_id, name, kind, target, secret) VALUES ($1, $2, $2, $3, $4) RETURNING id`,
    [accountId, kind, channelTarget, secret],
  );
  const payload = buildAlertBody({ event: 'test', occurredAt: new Date(), channelName: kind });
  const delivery = await db.pool.query(
    `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key)
     VALUES ($1, $2, 'test', $3, $4) RETURNING id`,
    [accountId, rows[0].id, JSON.stringify(payload), `test:${rows[0].id}:1`],
  );
  return String(delivery.rows[0].id);
}

async function settled(deliveryId: string) {
  return waitFor(async () => {
    const row = (await db.pool.query(`SELECT status, last_error FROM deliveries WHERE id = $1`, [deliveryId])).rows[0];
    return row.status === 'pending' ? null : row;
  }, 10_000, `delivery ${deliveryId}`);
}

test('a test to a paging provider opens and closes at once, so nobody stays paged', async () => {
  const accountId = await seedAccount(db.pool);
  const before = { pagerduty: requestsTo('/pagerduty/').length, opsgenie: requestsTo('/opsgenie/').length };
  const pagerdutyTest = await queueTest(accountId, 'pagerduty', 'us', ROUTING_KEY);
  const opsgenieTest = await queueTest(accountId, 'opsgenie', 'us', OPSGENIE_KEY);
  expect(await settled(pagerdutyTest)).toEqual({ status: 'delivered', last_error: null });
  expect(await settled(opsgenieTest)).toEqual({ status: 'delivered', last_error: null });

  const pagerduty = requestsTo('/pagerduty/').slice(before.pagerduty);
  expect(pagerduty.map((r) => [r.json.event_action, r.json.dedup_key])).toEqual([
    ['trigger', expect.stringMatching(/^pingdummy-test-/)],
    ['resolve', pagerduty[0]!.json.dedup_key],
  ]);
  expect(pagerduty[0]!.json.payload).toMatchObject({ severity: 'info', source: 'pingdummy', summary: expect.stringContaining('Test notification') });
  const opsgenie = requestsTo('/opsgenie/').slice(before.opsgenie);
  expect(opsgenie.map((r) => r.path)).toEqual(['/opsgenie/v2/alerts', `/opsgenie/v2/alerts/${encodeURIComponent(String(opsgenie[0]!.json.alias))}/close?identifierType=alias`]);
  expect(opsgenie[0]!.json).toMatchObject({ priority: 'P5', message: expect.stringContaining('Test notification') });
});

test('degraded pages nobody: PagerDuty and Opsgenie are sent nothing, the delivery is done', async () => {
  const accountId = await seedAccount(db.pool);
  const before = receiver.received.length;
  const payload = buildAlertBody({
    event: 'degraded',
    occurredAt: new Date(),
    check: { id: '00000000-0000-4000-8000-000000000001', name: 'Slow API', url: 'https://slow.example.com/', state: 'degraded' },
    incident: null,
    cause: 'slower than its threshold',
    publicUrl: 'https://pingdummy.example.com',
  });
  const ids: string[] = [];
  for (const [kind, secret] of [['pagerduty', ROUTING_KEY], ['opsgenie', OPSGENIE_KEY]] as const) {
    const { rows } = await db.pool.query(
      `INSERT INTO notification_channels (account_id, name, kind, target, secret) VALUES ($1, $2, $2, 'us', $3) RETURNING id`,
      [accountId, kind, secret],
    );
    const delivery = await db.pool.query(
      `INSERT INTO deliveries (account_id, channel_id, event, payload, idempotency_key) VALUES ($1, $2, 'degraded', $3, gen_random_uuid()::text) RETURNING id`,
      [accountId, rows[0].id, JSON.stringify(payload)],
    );
    ids.push(String(delivery.rows[0].id));
  }
  for (const id of ids) expect(await settled(id)).toEqual({ status: 'delivered', last_error: null });
  expect(receiver.received.length).toBe(before);
});

test('a provider refusal fails a test at once, stored and logged without the credential', async () => {
  const accountId = await seedAccount(db.pool);
  const deliveryId = await queueTest(accountId, 'telegram', '@nosuchchannel', BOT_TOKEN);
  expect(await settled(deliveryId)).toEqual({ status: 'failed', last_error: 'HTTP 400' });
  const sent = requestsTo('/telegram/').filter((request) => request.json.chat_id === '@nosuchchannel');
  expect(sent).toHaveLength(1);
  expect(sent[0]!.json.text).toMatch(/^<b>🔔 Test notification from Pingdummy for channel "telegram"/);
  await waitFor(async () => (logLines.some((line) => line.includes('notification failed')) ? true : null), 5_000, 'the failure log line');
  expect(logLines.join('\n')).not.toContain(BOT_TOKEN);
});
