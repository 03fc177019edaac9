/** A state change that alerts. */
export type AlertEvent = 'down' | 'up' | 'degraded';
/** Everything a channel can be sent: an alert, or the "send a test" of the channels page. */
export type NotificationEvent = AlertEvent | 'test';

/**
 * The JSON every webhook receives and every email is made from, whatever the event: one shape, so a
 * receiver set up with a test message handles real alerts too. Slack's incoming webhooks show `text`.
 */
export interface AlertBody {
  /** One line for chat; email uses it as the subject (without the Slack link). */
  readonly text: string;
  readonly event: NotificationEvent;
  /** ISO 8601: the due time of the round that changed the state, or when a test was sent. */
  readonly occurredAt: string;
  /** The check that changed state; null for a test. */
  readonly check: { id: string; name: string; url: string; state: string; link: string } | null;
  /** The incident opened or resolved by this change; null when there is none (degraded, test). */
  readonly incident: { id: string; startedAt: string; resolvedAt: string | null; cause: string } | null;
}

export type AlertBodyInput =
  | {
      readonly event: AlertEvent;
      readonly occurredAt: Date;
      readonly check: { id: string; name: string; url: string; state: string };
      readonly incident: { id: string; startedAt: Date; resolvedAt: Date | null; cause: string } | null;
      /** Why it is down or degraded; ignored for up. */
      readonly cause: string;
      /** The frontend's base URL, for the link to the check page. */
      readonly publicUrl: string;
    }
  | { readonly event: 'test'; readonly occurredAt: Date; readonly channelName: string };

const HEADLINES: Record<AlertEvent, string> = { down: '🔴 %s is DOWN', up: '🟢 %s is UP again', degraded: '🟠 %s is DEGRADED (slow)' };

/** Builds the body of any notification: test, down, up or degraded. */
export function buildAlertBody(input: AlertBodyInput): AlertBody {
  const occurredAt = input.occurredAt.toISOString();
  if (input.event === 'test') {
    return {
      text: `🔔 Test notification from Pingdummy for channel "${input.channelName}": alerts will arrive here`,
      event: 'test',
      occurredAt,
      check: null,
      incident: null,
    };
  }
  const link = `${input.publicUrl.replace(/\/+$/, '')}/checks/${input.check.id}`;
  const headline = HEADLINES[input.event].replace('%s', input.check.name);
  const cause = input.event === 'up' ? '' : ` — ${input.cause}`;
  const { incident } = input;
  return {
    text: `${headline}${cause} <${link}|details>`,
    event: input.event,
    occurredAt,
    check: { id: input.check.id, name: input.check.name, url: input.check.url, state: input.check.state, link },
    incident: incident
      ? {
          id: incident.id,
          startedAt: incident.startedAt.toISOString(),
          resolvedAt: incident.resolvedAt ? incident.resolvedAt.toISOString() : null,
          cause: incident.cause,
        }
      : null,
  };
}
