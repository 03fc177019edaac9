import type { Delivery } from '../delivery.js';
import type { ProviderRequest } from '../provider-request.js';
import { alertFacts, headline } from './alert-text.js';

/**
 * A Microsoft Teams Workflows ("Post to a channel when a webhook request is received") message: an
 * Adaptive Card 1.4 wrapped in the documented envelope, `{ type: 'message', attachments: [{ contentType:
 * 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: <card> }] }`. Teams answers 202.
 */
export function formatTeams(delivery: Delivery): ProviderRequest[] {
  const { payload } = delivery;
  const facts = alertFacts(payload);
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: headline(payload), weight: 'Bolder', size: 'Medium', wrap: true },
      ...(facts.length > 0 ? [{ type: 'FactSet', facts: facts.map((fact) => ({ title: fact.name, value: fact.value })) }] : []),
      { type: 'TextBlock', text: `Pingdummy · ${payload.occurredAt}`, isSubtle: true, size: 'Small', wrap: true },
    ],
    ...(payload.check ? { actions: [{ type: 'Action.OpenUrl', title: 'Open check', url: payload.check.link }] } : {}),
  };
  return [
    {
      url: delivery.channelTarget,
      body: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] },
    },
  ];
}
