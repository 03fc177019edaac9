import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import type { CsrfProtection } from './csrf.js';
import { fmt } from './format.js';
import { serverTimingOf } from './server-timing.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

/** Shown wherever an email channel is made or listed while the worker cannot send email. */
export const EMAIL_UNCONFIGURED =
  'email delivery is not configured on this server, so email channels receive nothing until the worker is given SMTP_URL or SES_REGION (and the frontend EMAIL_DELIVERY_CONFIGURED=true).';

/** Short confirmations after a redirect, chosen by a code in the query string (never free text from the URL). */
const NOTICES: Record<string, string> = {
  'check-created': 'Check created. The first probe runs within a few seconds.',
  'heartbeat-created': 'Heartbeat check created. Add a ping of its URL to the end of your job.',
  'check-saved': 'Check saved.',
  'check-paused': 'Check paused.',
  'check-resumed': 'Check resumed.',
  'check-deleted': 'Check deleted.',
  'channel-created': 'Channel created.',
  'channel-saved': 'Channel saved.',
  'email-channel-created-unconfigured': `Channel created, but ${EMAIL_UNCONFIGURED}`,
  'email-channel-saved-unconfigured': `Channel saved, but ${EMAIL_UNCONFIGURED}`,
  'channel-deleted': 'Channel deleted.',
  'password-changed': 'Password changed. Your other sessions were signed out.',
  'status-page-saved': 'Status page settings saved.',
  'token-revoked': 'Token revoked.',
  'two-factor-off': 'Two-factor sign-in is off.',
  'signed-out': 'You are signed out.',
  'maintenance-created': 'Maintenance window created.',
  'maintenance-saved': 'Maintenance window saved.',
  'maintenance-deleted': 'Maintenance window deleted.',
  'incident-update-posted': 'Update posted.',
  'incident-update-deleted': 'Update deleted.',
};

export interface Renderer {
  /** Renders views/<template>.eta inside the layout with the user, CSRF token and notice. */
  page(req: Request, res: Response, template: string, data: Record<string, unknown>, status?: number): void;
}

export function createRenderer(
  csrf: CsrfProtection,
  options: { cache: boolean; assetUrl: (url: string) => string },
): Renderer {
  const eta = new Eta({ views: VIEWS_DIR, cache: options.cache, autoEscape: true });
  return {
    page(req, res, template, data, status = 200) {
      const noticeCode = typeof req.query.notice === 'string' ? req.query.notice : '';
      const renderStarted = performance.now();
      const html = eta.render(template, {
        title: 'Pingdummy',
        ...data,
        user: res.locals.user ?? null,
        // Read-only members see no buttons that lead to a change (the role guard refuses them anyway).
        canEdit: res.locals.user?.role !== 'read_only',
        // Public (cacheable) pages have no forms and must not set a cookie. Neither do error pages sent before the
        // session was loaded (a form too large to read): a token bound to no session would replace the visitor's
        // cookie and expire every form open in their other tabs.
        csrfToken: data.publicPage || req.session === undefined ? '' : csrf.token(req, res),
        path: req.path,
        notice: NOTICES[noticeCode] ?? null,
        fmt,
        asset: options.assetUrl,
      });
      const timing = serverTimingOf(res);
      timing.record('render', performance.now() - renderStarted);
      // A signed-in page shows the account's data: no browser or shared cache may keep it (back button after
      // sign-out, a shared computer, a proxy).
      if (res.locals.user && !data.publicPage) res.set('cache-control', 'no-store');
      res.status(status).type('html').set('server-timing', timing.header()).send(html);
    },
  };
}
