import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger, Pool, ResolveHost } from '@pingdummy/shared';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { createApiRouter } from './api/router.js';
import { roleGuard } from './access/role-guard.js';
import { WEB_ROLE_POLICY } from './access/role-policy.js';
import { auditActorMiddleware, createAuditedPool } from './audit/audit-actor.js';
import { createAddressAdvisor } from './checks/address-warnings.js';
import type { FrontendConfig } from './config.js';
import { addAuthRoutes, loadUser, requireUser } from './web/auth.js';
import { createCsrfProtection } from './web/csrf.js';
import { htmlErrorHandler, notFound, sendError } from './web/http-errors.js';
import { createAssetUrls } from './web/asset-urls.js';
import { createBadgeRouter } from './web/badge-route.js';
import { createKnownDevices } from './web/known-devices.js';
import { createRenderer } from './web/render.js';
import { startServerTiming } from './web/server-timing.js';
import { createSessionMiddleware } from './web/session.js';
import { addPageRoutes } from './web/pages.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
const UPLOT_DIST_DIR = path.dirname(createRequire(import.meta.url).resolve('uplot'));

/** Form bodies above this size get a 413 (a check's request body is limited to 16 kB by the data layer). */
const FORM_BODY_LIMIT = '64kb';

export interface FrontendDependencies {
  config: FrontendConfig;
  pool: Pool;
  logger: Logger;
  /**
   * Resolves a check's host when it is saved, to warn about addresses the beacons refuse; tests inject one.
   * @default - dns.lookup with `all: true`
   */
  resolveHost?: ResolveHost;
}

/** What the app needs to release on shutdown. */
export interface FrontendRoutes {
  /** Closes the session store. */
  close(): Promise<void>;
}

/**
 * Mounts the frontend on `app`, in this order: security headers, static files, the JSON API (own auth,
 * no session or CSRF), then cookies, form parsing, sessions, CSRF and the HTML pages, then HTML errors.
 * Heartbeat pings never reach express: `startFrontend` answers them ahead of it (heartbeats/ping-intake.ts).
 */
export function addFrontendRoutes(app: Express, deps: FrontendDependencies): FrontendRoutes {
  const { config } = deps;
  // Writes made while serving a signed-in person or an API token are audited by the database (migration 006).
  const pool = createAuditedPool(deps.pool);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(config.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  const staticOptions = { maxAge: '1h', index: false, fallthrough: true } as const;
  app.use('/static/uplot', express.static(UPLOT_DIST_DIR, staticOptions));
  app.use('/static', express.static(PUBLIC_DIR, staticOptions));
  app.use('/badge', createBadgeRouter(pool));

  // The JSON API authenticates with bearer tokens and parses its own bodies: no cookies, sessions or CSRF.
  const addressWarnings = createAddressAdvisor({ allowCidrs: config.beaconAllowCidrs, resolve: deps.resolveHost });
  app.use('/api/v1', createApiRouter({ pool, logger: deps.logger, checkLimit: config.checkLimitPerAccount, addressWarnings }));

  // One configured secret, two keys: a leaked CSRF token says nothing about the session signing key.
  const csrfSecret = createHmac('sha256', config.sessionSecret).update('pingdummy csrf tokens').digest('hex');
  const csrf = createCsrfProtection({ secret: csrfSecret, secure: config.cookieSecure });
  const knownDevicesSecret = createHmac('sha256', config.sessionSecret).update('pingdummy known devices').digest('hex');
  const knownDevices = createKnownDevices({ secret: knownDevicesSecret, secure: config.cookieSecure });
  const assetUrl = createAssetUrls({ '/static/uplot': UPLOT_DIST_DIR, '/static': PUBLIC_DIR });
  const renderer = createRenderer(csrf, { cache: true, assetUrl });
  const sessions = createSessionMiddleware({ pool: deps.pool, secret: config.sessionSecret, secure: config.cookieSecure });

  const web = express.Router();
  web.use(startServerTiming);
  web.use(cookieParser());
  web.use(express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 300 }));
  web.use(sessions.middleware);
  web.use(loadUser(pool));
  web.use(csrf.protect);
  // One rule for every page, including pages added later: reads for all roles, writes for members, the
  // owner-only list for owners (src/access/role-policy.ts).
  web.use(roleGuard(WEB_ROLE_POLICY, (res) => res.locals.user?.role, (req, res, message) => sendError(renderer, req, res, 403, message)));
  web.use(auditActorMiddleware((res) => res.locals.user && { userId: res.locals.user.id, label: res.locals.user.email }));
  addAuthRoutes(web, {
    db: pool,
    renderer,
    rateLimitPerIp: config.authRateLimitPerIp,
    rateLimitPerEmailAndIp: config.authRateLimitPerEmailAndIp,
    rateLimitPerEmail: config.authRateLimitPerEmail,
    knownDevices,
  });
  addPageRoutes(web, {
    db: pool,
    renderer,
    checkLimit: config.checkLimitPerAccount,
    emailDeliveryConfigured: config.emailDeliveryConfigured,
    requireUser,
    rateLimitPerUser: config.authRateLimitPerEmailAndIp,
    addressWarnings,
  });
  web.use(() => {
    throw notFound();
  });
  web.use(htmlErrorHandler(renderer));
  app.use(web);

  return {
    close: async () => {
      sessions.close();
    },
  };
}
