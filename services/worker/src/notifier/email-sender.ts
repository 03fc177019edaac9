import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';

/** A plain-text email; what the notifier sends besides alerts (invitations). */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Sent as X-Pingdummy-Idempotency-Key, so a receiving system can drop a message sent twice after a retry. */
  idempotencyKey: string;
}

/** Sends plain-text email, or says why it cannot. */
export interface Mailer {
  sendMessage(message: EmailMessage): Promise<DeliveryAttempt>;
}

/** Email through SES (in AWS) or any SMTP server (elsewhere), both via nodemailer. */
export class EmailSender implements Sender, Mailer {
  private constructor(
    private readonly transport: Transporter,
    private readonly from: string,
  ) {}

  static smtp(url: string, from: string): EmailSender {
    return new EmailSender(nodemailer.createTransport(url), from);
  }

  static ses(region: string, from: string): EmailSender {
    const sesClient = new SESv2Client({ region });
    return new EmailSender(nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } }), from);
  }

  send(delivery: Delivery): Promise<DeliveryAttempt> {
    return this.sendMessage({
      to: delivery.channelTarget,
      subject: `[Pingdummy] ${delivery.payload.text.replace(/ <[^>]+>$/, '')}`.slice(0, 200),
      text: `${delivery.payload.text}\n\n${JSON.stringify(delivery.payload, null, 2)}`,
      idempotencyKey: delivery.idempotencyKey,
    });
  }

  async sendMessage(message: EmailMessage): Promise<DeliveryAttempt> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: { 'X-Pingdummy-Idempotency-Key': message.idempotencyKey },
      });
      return { ok: true, detail: `accepted ${String(info.messageId ?? '')}`.trim() };
    } catch (error) {
      return { ok: false, error: (error as Error).message.slice(0, 300), retryable: true };
    }
  }
}

/** Used when neither SMTP_URL nor SES_REGION is set: fails clearly instead of dropping mail. */
export class UnconfiguredEmailSender implements Sender, Mailer {
  async send(): Promise<DeliveryAttempt> {
    return this.sendMessage();
  }

  async sendMessage(): Promise<DeliveryAttempt> {
    return { ok: false, error: 'email is not configured (set SMTP_URL or SES_REGION)', retryable: false };
  }
}
