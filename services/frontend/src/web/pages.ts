import type { Pool } from '@pingdummy/shared';
import type { RequestHandler, Router } from 'express';
import type { AddressAdvisor } from '../checks/address-warnings.js';
import { addBadgePages } from './badge-pages.js';
import { addChannelPages } from './channel-pages.js';
import { addCheckPages } from './check-pages.js';
import { addDashboardPages } from './dashboard-pages.js';
import { addIncidentUpdatePages } from './incident-update-pages.js';
import { addMaintenancePages } from './maintenance-pages.js';
import { addHeartbeatPages } from './heartbeat-pages.js';
import type { Renderer } from './render.js';
import { addSettingsPages } from './settings-pages.js';
import { addStatusPages } from './status-pages.js';
import { addTeamPages } from './team-pages.js';
import { addAuditPages } from './audit-pages.js';
import { addTwoFactorPages } from './two-factor-pages.js';
import { addThemeRoute } from './theme.js';

export interface PageRouteOptions {
  db: Pool;
  renderer: Renderer;
  checkLimit: number;
  /** False: the channels pages say that email channels receive nothing. */
  emailDeliveryConfigured: boolean;
  requireUser: RequestHandler;
  /** Failed code attempts per user (two-factor re-authentication), like failed logins per email. */
  rateLimitPerUser: number;
  addressWarnings: AddressAdvisor;
}

/** The public pages, then everything behind sign-in. */
export function addPageRoutes(router: Router, options: PageRouteOptions): void {
  const { db, renderer } = options;
  addStatusPages(router, { db, renderer });
  router.get('/', (_req, res) => res.redirect(303, res.locals.user ? '/dashboard' : '/login'));
  for (const prefix of ['/dashboard', '/dashboard.json', '/checks', '/heartbeats', '/incidents', '/channels', '/settings', '/maintenance', '/team', '/audit']) {
    router.use(prefix, options.requireUser);
  }
  addDashboardPages(router, { db, renderer });
  addHeartbeatPages(router, { db, renderer, checkLimit: options.checkLimit });
  addCheckPages(router, { db, renderer, checkLimit: options.checkLimit, addressWarnings: options.addressWarnings });
  addChannelPages(router, { db, renderer, emailDeliveryConfigured: options.emailDeliveryConfigured });
  addSettingsPages(router, { db, renderer });
  addMaintenancePages(router, { db, renderer });
  addIncidentUpdatePages(router, { db, renderer });
  addTeamPages(router, { db, renderer, emailDeliveryConfigured: options.emailDeliveryConfigured });
  addTwoFactorPages(router, { db, renderer, rateLimitPerUser: options.rateLimitPerUser });
  addAuditPages(router, { db, renderer });
  addThemeRoute(router, { db });
  addBadgePages(router, { db });
}
