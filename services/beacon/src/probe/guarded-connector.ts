import { createGuardedSocketConnector } from '@pingdummy/shared';
import { onePerSettings } from './per-settings.js';

/**
 * The beacon's one way to open a connection, for HTTP and TCP probes alike: the address policy, the
 * guarded lookup and the TLS verification of createGuardedSocketConnector. One connector per settings
 * object, so the allow-list is parsed once per beacon, not per probe.
 */
export const guardedConnectorFor = onePerSettings((settings) =>
  createGuardedSocketConnector({ allowCidrs: settings.allowCidrs, tls: settings.tls, resolve: settings.resolve }),
);
