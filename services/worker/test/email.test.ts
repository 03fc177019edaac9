import { buildAlertBody } from '@pingdummy/shared';
import type { Delivery } from '../src/notifier/delivery.js';
import { EmailSender } from '../src/notifier/email-sender.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

let receiver: SmtpReceiver;
let port = 0;
let messages: SmtpReceiver['messages'] = [];

beforeAll(async () => {
  receiver = await startSmtpReceiver();
  port = receiver.port;
  messages = receiver.messages;
});
afterAll(async () => {
  await receiver.close();
});

const delivery: Delivery = {
  id: '1',
  accountId: 'a',
  channelKind: 'email',
  channelTarget: 'ops@example.com',
  channelSecret: null,
  event: 'down',
  payload: buildAlertBody({
    event: 'down',
    occurredAt: new Date('2026-01-01T00:00:00.000Z'),
    check: { id: 'x', name: 'Shop API', url: 'https://shop.example.com/health', state: 'down' },
    incident: null,
    cause: 'http_status: got 500',
    publicUrl: 'http://localhost:3000',
  }),
  idempotencyKey: 'down:x:2026-01-01T00:00:00.000Z:c',
  attempts: 1,
};

test('alerts are mailed through SMTP with the idempotency key as a header', async () => {
  const sender = EmailSender.smtp(`smtp://127.0.0.1:${port}`, 'alerts@pingdummy.test');
  const attempt = await sender.send(delivery);
  expect(attempt.ok).toBe(true);
  expect(messages).toHaveLength(1);
  expect(messages[0]!.to).toEqual(['ops@example.com']);
  // Q-encoded (RFC 2047) because of the emoji; the link is left out of the subject.
  expect(messages[0]!.raw).toMatch(/^Subject: =\?UTF-8\?Q\?=5BPingdummy=5D_=F0=9F=94=B4_Shop_API_is/m);
  expect(messages[0]!.raw).not.toMatch(/^Subject:.*details/m);
  expect(messages[0]!.raw).toContain(`X-Pingdummy-Idempotency-Key: ${delivery.idempotencyKey}`);
});

test('a "send a test" is mailed like an alert, its text as the subject', async () => {
  const sender = EmailSender.smtp(`smtp://127.0.0.1:${port}`, 'alerts@pingdummy.test');
  const payload = buildAlertBody({ event: 'test', occurredAt: new Date(), channelName: 'ops mail' });
  const attempt = await sender.send({ ...delivery, event: 'test', payload, idempotencyKey: 'test:c:1' });
  expect(attempt.ok).toBe(true);
  // "[Pingdummy] 🔔 Test notifi...", Q-encoded.
  expect(messages.at(-1)!.raw).toMatch(/^Subject: =\?UTF-8\?Q\?=5BPingdummy=5D_=F0=9F=94=94_Test_notifi/m);
});

test('an unreachable SMTP server is a retryable failure', async () => {
  const sender = EmailSender.smtp('smtp://127.0.0.1:9', 'alerts@pingdummy.test');
  const attempt = await sender.send(delivery);
  expect(attempt).toMatchObject({ ok: false, retryable: true });
});
