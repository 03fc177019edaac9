import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { confirmTwoFactor, disableTwoFactor, pendingTotpSecret, regenerateRecoveryCodes, verifySecondFactor } from '../two-factor/two-factor-store.js';
import { qrCodeDataUrl, totpUri } from '../two-factor/totp.js';
import { currentUser, limiter } from './auth.js';
import { parseForm, text, type FieldErrors } from './forms.js';
import type { Renderer } from './render.js';
import { saveSession } from './session.js';
import { verifyPassword } from './users.js';

declare module 'express-session' {
  interface SessionData {
    /** Recovery codes just made, shown once on the next GET /settings/two-factor/recovery-codes. */
    newRecoveryCodes?: string[];
  }
}

const CodeForm = z.strictObject({ _csrf: text(200).optional(), code: text(40) });
const ReauthForm = z.strictObject({ _csrf: text(200).optional(), password: text(200), code: text(40) });

/**
 * Two-factor settings of the signed-in person (every role): enrol by scanning a QR code and confirming a code;
 * turning it off and new recovery codes need the password and a current code again. The secret is never logged.
 */
export function addTwoFactorPages(router: Router, options: { db: Pool; renderer: Renderer; rateLimitPerUser: number }): void {
  const { db, renderer } = options;
  // Failed re-authentications per user, like failed logins.
  const limitPerUser = limiter(renderer, {
    limit: options.rateLimitPerUser,
    key: (req) => `reauth:${req.session?.userId ?? ''}`,
    countOnlyFailures: true,
  });

  async function showEnrolment(req: Request, res: Response, error: string | null, status = 200): Promise<void> {
    const user = currentUser(res);
    const secret = await pendingTotpSecret(db, user.id);
    if (!secret) return void res.redirect(303, '/settings#two-factor-heading');
    const uri = totpUri(secret, user.email);
    renderer.page(req, res, 'two-factor-enrol', { title: 'Turn on two-factor sign-in', secret, qrCode: await qrCodeDataUrl(uri), error }, status);
  }

  router.get('/settings/two-factor', (req, res) => showEnrolment(req, res, null));

  router.post('/settings/two-factor/confirm', limitPerUser, async (req, res) => {
    const { code } = parseForm(CodeForm, req);
    const codes = await confirmTwoFactor(db, currentUser(res).id, code);
    if (!codes) return showEnrolment(req, res, 'That code does not match. Type the current 6-digit code your app shows.', 422);
    req.log.info({ userId: currentUser(res).id }, 'two-factor sign-in turned on');
    await showCodesOnce(req, res, codes);
  });

  async function showCodesOnce(req: Request, res: Response, codes: string[]): Promise<void> {
    req.session.newRecoveryCodes = codes;
    await saveSession(req);
    res.redirect(303, '/settings/two-factor/recovery-codes');
  }

  router.get('/settings/two-factor/recovery-codes', (req, res) => {
    const codes = req.session.newRecoveryCodes;
    if (!codes) return void res.redirect(303, '/settings#two-factor-heading');
    delete req.session.newRecoveryCodes;
    renderer.page(req, res, 'recovery-codes', { title: 'Recovery codes', codes });
  });

  /** Password and a current code (or a recovery code) again; field errors, or none when both are right. */
  async function reauthenticate(req: Request, res: Response): Promise<FieldErrors> {
    const { password, code } = parseForm(ReauthForm, req);
    const user = currentUser(res);
    if (!(await verifyPassword(db, user.id, password))) return { password: 'is not your current password' };
    if (!(await verifySecondFactor(db, user.id, code))) return { code: 'is not a current code from your app or an unused recovery code' };
    return {};
  }
  const refuse = (req: Request, res: Response, errors: FieldErrors) =>
    renderer.page(req, res, 'error', { title: 'Not confirmed', status: 401, message: `Nothing changed: the ${Object.entries(errors).map(([field, message]) => `${field} ${message}`).join(', ')}.` }, 401);

  router.post('/settings/two-factor/disable', limitPerUser, async (req, res) => {
    const errors = await reauthenticate(req, res);
    if (Object.keys(errors).length > 0) return refuse(req, res, errors);
    await disableTwoFactor(db, currentUser(res).id);
    req.log.info({ userId: currentUser(res).id }, 'two-factor sign-in turned off');
    res.redirect(303, '/settings?notice=two-factor-off');
  });

  router.post('/settings/two-factor/recovery-codes', limitPerUser, async (req, res) => {
    const errors = await reauthenticate(req, res);
    if (Object.keys(errors).length > 0) return refuse(req, res, errors);
    await showCodesOnce(req, res, await regenerateRecoveryCodes(db, currentUser(res).id));
  });
}
