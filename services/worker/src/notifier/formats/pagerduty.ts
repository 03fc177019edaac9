import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { regionOf, type ProviderEndpoints } from '../provider-endpoints.js';
import { headline, incidentKey } from './alert-text.js';

/** The host the alert is about, as PagerDuty's `source` asks ("preferably a hostname or FQDN"). */
function sourceOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : url.slice(0, 255);
}

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): down triggers, up resolves, both with the incident's
 * dedup_key so PagerDuty pairs them; a test triggers at severity info and resolves at once. Degraded
 * opens no incident, so it pages nobody. The routing key travels in the body, as the API asks.
 */
export function formatPagerDuty(delivery: Delivery, endpoints: ProviderEndpoints['pagerduty']): ProviderRequest[] {
  const { payload } = delivery;
  const dedupKey = incidentKey(payload, delivery.idempotencyKey);
  if (!dedupKey || payload.event === 'degraded') return [];
  const url = `${endpoints[regionOf(delivery.channelTarget)].replace(/\/+$/, '')}/v2/enqueue`;
  const routing = { routing_key: delivery.channelSecret, dedup_key: dedupKey };
  const resolve: ProviderRequest = { url, body: { ...routing, event_action: 'resolve' } };
  if (payload.event === 'up') return [resolve];
  const trigger: ProviderRequest = {
    url,
    body: {
      ...routing,
      event_action: 'trigger',
      payload: {
        summary: headline(payload).slice(0, 1024),
        source: payload.check ? sourceOf(payload.check.url) : 'pingdummy',
        severity: payload.event === 'test' ? 'info' : 'critical',
        timestamp: payload.occurredAt,
        ...(payload.check ? { component: payload.check.name, class: 'uptime check' } : {}),
        custom_details: {
          event: payload.event,
          ...(payload.check ? { url: payload.check.url, state: payload.check.state } : {}),
          ...(payload.incident ? { incident_started_at: payload.incident.startedAt, cause: payload.incident.cause } : {}),
        },
      },
      client: 'Pingdummy',
      ...(payload.check ? { client_url: payload.check.link, links: [{ href: payload.check.link, text: 'Open the check in Pingdummy' }] } : {}),
    },
  };
  return payload.event === 'test' ? [trigger, resolve] : [trigger];
}
