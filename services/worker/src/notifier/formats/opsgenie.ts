import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { regionOf, type ProviderEndpoints } from '../provider-endpoints.js';
import { headline, incidentKey } from './alert-text.js';

/**
 * Opsgenie Alert API: down creates an alert (`POST /v2/alerts`) whose alias is the incident's key, up
 * closes it by that alias (`POST /v2/alerts/{alias}/close?identifierType=alias`); a test creates a P5
 * alert and closes it at once. Degraded opens no incident, so it alerts nobody. Authenticated with
 * `Authorization: GenieKey <API integration key>`; Opsgenie answers 202 (it processes requests async).
 */
export function formatOpsgenie(delivery: Delivery, endpoints: ProviderEndpoints['opsgenie']): ProviderRequest[] {
  const { payload } = delivery;
  const alias = incidentKey(payload, delivery.idempotencyKey);
  if (!alias || payload.event === 'degraded') return [];
  const base = `${endpoints[regionOf(delivery.channelTarget)].replace(/\/+$/, '')}/v2/alerts`;
  const headers = { authorization: `GenieKey ${delivery.channelSecret}` };
  const close: ProviderRequest = {
    url: `${base}/${encodeURIComponent(alias)}/close?identifierType=alias`,
    headers,
    body: { source: 'Pingdummy', note: payload.event === 'test' ? 'Test finished' : `Recovered at ${payload.occurredAt}` },
  };
  if (payload.event === 'up') return [close];
  const details: Record<string, string> = { event: payload.event };
  if (payload.check) Object.assign(details, { url: payload.check.url, link: payload.check.link });
  if (payload.incident) Object.assign(details, { cause: payload.incident.cause, incidentStartedAt: payload.incident.startedAt });
  const create: ProviderRequest = {
    url: base,
    headers,
    body: {
      message: headline(payload).slice(0, 130),
      alias,
      description: payload.text.slice(0, 15_000),
      source: 'Pingdummy',
      ...(payload.check ? { entity: payload.check.name.slice(0, 512) } : {}),
      priority: payload.event === 'test' ? 'P5' : 'P1',
      tags: ['pingdummy'],
      details,
    },
  };
  return payload.event === 'test' ? [create, close] : [create];
}
