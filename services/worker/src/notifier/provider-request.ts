import type { Delivery } from './delivery.js';

/** One HTTP request in a provider's own format (always a JSON POST). */
export interface ProviderRequest {
  url: string;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * Turns a delivery into the provider's requests, sent in order: usually one; two for a test to a paging
 * service (open, then close at once, so nobody stays paged); none when the provider has nothing to do
 * with the event (a degraded check does not page).
 */
export type Formatter = (delivery: Delivery) => ProviderRequest[];
