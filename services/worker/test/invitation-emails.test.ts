import { createServer } from 'node:net';
import { createLogger } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import { EmailSender, UnconfiguredEmailSender } from '../src/notifier/email-sender.js';
import { deliverInvitationEmails } from '../src/notifier/invitation-emails.js';
import { seedAccount } from './helpers.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

/**
 * Invitation emails queued by the frontend (migration 014) are sent by the worker through a real SMTP server on
 * loopback; the link they carry is cleared from the database once sent or given up.
 */

const lines: string[] = [];
const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
let db: TestDatabase;
let smtp: SmtpReceiver;
let smtpPort = 0;
let received: SmtpReceiver['messages'] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtpReceiver();
  smtpPort = smtp.port;
  received = smtp.messages;
});
afterAll(async () => {
  await smtp.close();
  await db.drop();
});

/** An invitation and its queued email, as the frontend's createInvitation writes them. */
async function queueInvitation(email: string, link: string): Promise<{ invitationId: string; emailId: string }> {
  const accountId = await seedAccount(db.pool);
  const invitation = await db.pool.query(
    `INSERT INTO invitations (account_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'member', decode(md5(random()::text), 'hex'), now() + interval '7 days') RETURNING id`,
    [accountId, email],
  );
  const queued = await db.pool.query(
    `INSERT INTO invitation_emails (invitation_id, to_address, subject, body) VALUES ($1, $2, 'You are invited to Acme on Pingdummy', $3) RETURNING id`,
    [invitation.rows[0].id, email, `Open this link to join:\n${link}\n`],
  );
  return { invitationId: invitation.rows[0].id, emailId: String(queued.rows[0].id) };
}

const emailRow = async (id: string) =>
  (await db.pool.query(`SELECT status, body, attempts, last_error, sent_at, next_attempt_at > now() AS later FROM invitation_emails WHERE id = $1`, [id])).rows[0];

/** The text of a quoted-printable body as a mail client shows it (soft line breaks joined, =XX decoded). */
const decodeQuotedPrintable = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** A loopback port with nothing listening: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a queued invitation is mailed with its link, then the link is cleared from the database; nothing logs it', async () => {
  const link = 'http://pingdummy.test/invitations/accept?token=' + 'A'.repeat(43);
  const { emailId } = await queueInvitation('new.member@example.com', link);
  const mailer = EmailSender.smtp(`smtp://127.0.0.1:${smtpPort}`, 'team@pingdummy.test');
  expect(await deliverInvitationEmails({ pool: db.pool, logger, mailer, maxAttempts: 3 })).toBe(1);

  const message = received.find((m) => m.to.includes('new.member@example.com'));
  expect(message?.raw).toMatch(/^Subject: You are invited to Acme on Pingdummy/m);
  expect(message?.raw).toContain('Content-Transfer-Encoding: quoted-printable');
  expect(decodeQuotedPrintable(message!.raw)).toContain(link);
  expect(message?.raw).toContain(`X-Pingdummy-Idempotency-Key: invitation:${emailId}`);
  expect(await emailRow(emailId)).toMatchObject({ status: 'sent', body: null, attempts: 1, last_error: null });
  expect(lines.join('\n')).not.toContain('AAAAAAAAAA');
  // Sent once: the next round finds nothing due.
  expect(await deliverInvitationEmails({ pool: db.pool, logger, mailer, maxAttempts: 3 })).toBe(0);
});

test('an unreachable mail server is retried with backoff, then given up with the link cleared', async () => {
  const { emailId } = await queueInvitation('retry@example.com', 'http://pingdummy.test/invitations/accept?token=' + 'B'.repeat(43));
  const mailer = EmailSender.smtp(`smtp://127.0.0.1:${await closedPort()}`, 'team@pingdummy.test');
  await deliverInvitationEmails({ pool: db.pool, logger, mailer, maxAttempts: 2 });
  const first = await emailRow(emailId);
  expect(first).toMatchObject({ status: 'pending', attempts: 1, later: true });
  expect(first.body).toContain('BBBB');
  expect(first.last_error).toMatch(/ECONNREFUSED/);

  await db.pool.query(`UPDATE invitation_emails SET next_attempt_at = now() WHERE id = $1`, [emailId]);
  await deliverInvitationEmails({ pool: db.pool, logger, mailer, maxAttempts: 2 });
  expect(await emailRow(emailId)).toMatchObject({ status: 'failed', attempts: 2, body: null });
});

test('an invitation revoked or accepted before its email went out is not mailed', async () => {
  const revoked = await queueInvitation('revoked@example.com', 'http://pingdummy.test/x');
  await db.pool.query(`UPDATE invitations SET accepted_at = now() WHERE id = $1`, [revoked.invitationId]);
  const before = received.length;
  await deliverInvitationEmails({ pool: db.pool, logger, mailer: EmailSender.smtp(`smtp://127.0.0.1:${smtpPort}`, 'team@pingdummy.test'), maxAttempts: 3 });
  expect(received.length).toBe(before);
  expect(await emailRow(revoked.emailId)).toMatchObject({ status: 'failed', body: null, last_error: expect.stringMatching(/no longer usable/) });
});

test('without SMTP_URL or SES_REGION the email fails at once, naming what to set', async () => {
  const { emailId } = await queueInvitation('nowhere@example.com', 'http://pingdummy.test/y');
  await deliverInvitationEmails({ pool: db.pool, logger, mailer: new UnconfiguredEmailSender(), maxAttempts: 3 });
  expect(await emailRow(emailId)).toMatchObject({ status: 'failed', body: null, last_error: expect.stringMatching(/SMTP_URL or SES_REGION/) });
});
