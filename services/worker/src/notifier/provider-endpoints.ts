/** Regions a paging provider documents its own API host for; a channel's target names one. */
export const PROVIDER_REGIONS = ['us', 'eu'] as const;
export type ProviderRegion = (typeof PROVIDER_REGIONS)[number];

/**
 * API base URLs of the providers whose endpoint is fixed by the provider (not given by the user). The
 * worker's config can point them elsewhere (tests aim them at local receivers); the defaults are the
 * documented hosts.
 */
export interface ProviderEndpoints {
  pagerduty: Record<ProviderRegion, string>;
  opsgenie: Record<ProviderRegion, string>;
  telegram: string;
}

export const DEFAULT_PROVIDER_ENDPOINTS: ProviderEndpoints = {
  pagerduty: { us: 'https://events.pagerduty.com', eu: 'https://events.eu.pagerduty.com' },
  opsgenie: { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' },
  telegram: 'https://api.telegram.org',
};

/** The region a channel's target names; an unknown or empty one is the provider's default (us). */
export const regionOf = (target: string): ProviderRegion => (target === 'eu' ? 'eu' : 'us');
