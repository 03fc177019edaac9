import type { AlertBody } from '@pingdummy/shared';

/** The alert's one line without Slack's `<link|details>` suffix, for providers with their own link syntax. */
export function headline(payload: AlertBody): string {
  return payload.text.replace(/ <[^>]+\|details>$/, '');
}

/** Key/value lines shared by the chat formats (check, URL, incident start, cause); empty for a test. */
export function alertFacts(payload: AlertBody): { name: string; value: string }[] {
  const facts: { name: string; value: string }[] = [];
  if (payload.check) {
    facts.push({ name: 'Check', value: payload.check.name }, { name: 'URL', value: payload.check.url }, { name: 'State', value: payload.check.state });
  }
  if (payload.incident) {
    facts.push({ name: 'Incident started', value: payload.incident.startedAt });
    if (payload.incident.resolvedAt) facts.push({ name: 'Resolved', value: payload.incident.resolvedAt });
    if (payload.event !== 'up') facts.push({ name: 'Cause', value: payload.incident.cause });
  }
  return facts;
}

/** Colours by event (green up, red down, orange degraded, blue test), as 0xRRGGBB. */
export const EVENT_COLORS: Record<AlertBody['event'], number> = { up: 0x2eb67d, down: 0xe01e5a, degraded: 0xecb22e, test: 0x1d9bd1 };

/** The key a paging provider groups on: one per incident, so "up" resolves what "down" opened. */
export function incidentKey(payload: AlertBody, idempotencyKey: string): string | null {
  if (payload.event === 'test') return `pingdummy-test-${idempotencyKey}`.slice(0, 255);
  return payload.incident ? `pingdummy-incident-${payload.incident.id}` : null;
}
