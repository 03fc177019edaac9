import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { createApiToken, listApiTokens, MAX_TOKEN_NAME_LENGTH, revokeApiToken } from '../data/tokens.js';
import { getAccountSettings, SLUG_PATTERN, SlugTakenError, updateStatusPage } from './accounts.js';
import { currentUser, NewPasswordSchema } from './auth.js';
import { checkbox, fieldErrors, parseForm, text, type FieldErrors } from './forms.js';
import { HttpError, notFound } from './http-errors.js';
import type { Renderer } from './render.js';
import { regenerateSession, saveSession } from './session.js';
import { changePassword, endOtherSessions } from './users.js';
import { unusedRecoveryCodeCount } from '../two-factor/two-factor-store.js';

const StatusPageForm = z.strictObject({ _csrf: text(200).optional(), enabled: checkbox(), title: text(), slug: text() });
/** The longest status page title and token name (characters): the schemas' limits and the inputs' maxlength. */
const SETTINGS_TEXT_LIMITS = { title: 200, slug: 63, tokenName: MAX_TOKEN_NAME_LENGTH, password: 200 } as const;
const StatusPageValues = z.object({
  title: z.string().trim().max(SETTINGS_TEXT_LIMITS.title, `must be at most ${SETTINGS_TEXT_LIMITS.title} characters`),
  slug: z
    .string()
    .trim()
    .regex(SLUG_PATTERN, 'must be 2 to 63 lowercase letters, digits or dashes, starting with a letter or digit'),
});
const PasswordForm = z.strictObject({
  _csrf: text(200).optional(),
  currentPassword: text(200),
  newPassword: text(200),
  confirmPassword: text(200),
});
const TokenForm = z.strictObject({ _csrf: text(200).optional(), name: text() });
const TokenValues = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(MAX_TOKEN_NAME_LENGTH, `must be at most ${MAX_TOKEN_NAME_LENGTH} characters`),
});
const ActionForm = z.strictObject({ _csrf: text(200).optional() });

interface SettingsState {
  statusPage?: { errors: FieldErrors; values: { enabled: boolean; title: string; slug: string } };
  password?: { errors: FieldErrors };
  token?: { errors: FieldErrors; values: { name: string } };
}

/** A token created by the previous request, once: the session forgets it as this page shows it. */
function takeNewToken(req: Request): { name: string; token: string } | null {
  const created = req.session.newApiToken;
  if (!created) return null;
  delete req.session.newApiToken;
  return created;
}

/** Settings: public status page, password change, API tokens. */
export function addSettingsPages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;

  async function show(req: Request, res: Response, state: SettingsState = {}, status = 200): Promise<void> {
    const { accountId } = currentUser(res);
    const { id: userId, twoFactorEnabled } = currentUser(res);
    const [account, tokens, unusedRecoveryCodes] = await Promise.all([
      getAccountSettings(db, accountId),
      listApiTokens(db, accountId),
      twoFactorEnabled ? unusedRecoveryCodeCount(db, userId) : 0,
    ]);
    if (!account) throw notFound('account');
    const createdToken = takeNewToken(req);
    const statusPage = state.statusPage ?? {
      errors: {},
      values: { enabled: account.statusPageEnabled, title: account.statusPageTitle ?? '', slug: account.slug },
    };
    renderer.page(
      req,
      res,
      'settings',
      {
        title: 'Settings',
        account,
        statusPage,
        password: state.password ?? { errors: {} },
        token: state.token ?? { errors: {}, values: { name: '' } },
        createdToken,
        tokens,
        twoFactor: { enabled: twoFactorEnabled, unusedRecoveryCodes },
        scripts: createdToken ? ['/static/js/copy-token.js'] : [],
        limits: SETTINGS_TEXT_LIMITS,
      },
      status,
    );
  }

  router.get('/settings', (req, res) => show(req, res));

  router.post('/settings/status-page', async (req, res) => {
    const form = parseForm(StatusPageForm, req);
    const values = { enabled: form.enabled, title: form.title, slug: form.slug };
    const parsed = StatusPageValues.safeParse(values);
    if (!parsed.success) return show(req, res, { statusPage: { errors: fieldErrors(parsed.error), values } }, 422);
    try {
      await updateStatusPage(db, currentUser(res).accountId, {
        enabled: form.enabled,
        title: parsed.data.title || null,
        slug: parsed.data.slug,
      });
    } catch (error) {
      if (!(error instanceof SlugTakenError)) throw error;
      return show(req, res, { statusPage: { errors: { slug: 'is taken by another account' }, values } }, 409);
    }
    res.redirect(303, '/settings?notice=status-page-saved');
  });

  router.post('/settings/password', async (req, res) => {
    const user = currentUser(res);
    const form = parseForm(PasswordForm, req);
    const errors: FieldErrors = {};
    const strength = NewPasswordSchema.safeParse(form.newPassword);
    if (!strength.success) errors.newPassword = strength.error.issues[0]?.message ?? 'is invalid';
    if (form.confirmPassword !== form.newPassword) errors.confirmPassword = 'does not match the new password';
    if (Object.keys(errors).length === 0 && !(await changePassword(db, user.id, form.currentPassword, form.newPassword))) {
      errors.currentPassword = 'is not your current password';
    }
    if (Object.keys(errors).length > 0) return show(req, res, { password: { errors } }, 422);
    // A new session id for this browser, and every other session of the user ends.
    await regenerateSession(req);
    req.session.userId = user.id;
    req.session.accountId = user.accountId;
    await saveSession(req);
    const ended = await endOtherSessions(db, user.id, req.sessionID);
    req.log.info({ userId: user.id, endedSessions: ended }, 'password changed');
    res.redirect(303, '/settings?notice=password-changed');
  });

  router.post('/settings/tokens', async (req, res) => {
    const user = currentUser(res);
    const form = parseForm(TokenForm, req);
    const parsed = TokenValues.safeParse({ name: form.name });
    if (!parsed.success) {
      return show(req, res, { token: { errors: fieldErrors(parsed.error), values: { name: form.name } } }, 422);
    }
    const created = await createApiToken(db, user.accountId, user.id, parsed.data.name);
    req.log.info({ tokenId: created.id }, 'api token created');
    // Post/redirect/get: a reload repeats the GET, not the creation. The secret waits in the session (never in
    // a URL) for that one GET, which shows it and drops it; the page is no-store like every signed-in page.
    req.session.newApiToken = { name: created.name, token: created.token };
    // Saved before the redirect: express-session sends a response's headers before its own save has
    // finished, so a browser following the 303 at once could load the session without the token.
    await saveSession(req);
    res.redirect(303, '/settings#tokens-heading');
  });

  router.post('/settings/tokens/:id/revoke', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await revokeApiToken(db, currentUser(res).accountId, req.params.id))) {
      throw new HttpError(404, 'This token does not exist or is already revoked.');
    }
    res.redirect(303, '/settings?notice=token-revoked');
  });
}
