import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Delivery, DeliveryAttempt, Sender } from './delivery.js';

/** Email through SES (in AWS) or any SMTP server (elsewhere), both via nodemailer. */
export class EmailSender implements Sender {
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

  async send(delivery: Delivery): Promise<DeliveryAttempt> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: delivery.channelTarget,
        subject: `[Pingdummy] ${delivery.payload.text.replace(/ <[^>]+>$/, '')}`.slice(0, 200),
        text: `${delivery.payload.text}\n\n${JSON.stringify(delivery.payload, null, 2)}`,
        headers: { 'X-Pingdummy-Idempotency-Key': delivery.idempotencyKey },
      });
      return { ok: true, detail: `accepted ${String(info.messageId ?? '')}`.trim() };
    } catch (error) {
      return { ok: false, error: (error as Error).message.slice(0, 300), retryable: true };
    }
  }
}

/** Used when neither SMTP_URL nor SES_REGION is set: fails clearly instead of dropping mail. */
export class UnconfiguredEmailSender implements Sender {
  async send(): Promise<DeliveryAttempt> {
    return { ok: false, error: 'email is not configured (set SMTP_URL or SES_REGION)', retryable: false };
  }
}
