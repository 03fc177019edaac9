import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { verifySecondFactor } from '../two-factor/two-factor-store.js';
import { limiter, signIn } from './auth.js';
import { parseForm, text } from './forms.js';
import type { KnownDevices } from './known-devices.js';
import type { Renderer } from './render.js';
import { destroySession, regenerateSession, saveSession } from './session.js';
import { getUser, type User } from './users.js';

declare module 'express-session' {
  interface SessionData {
    /**
     * Half signed in: the password was right, the code is still due. Nothing but /login/code reads this;
     * loadUser only knows `userId`, so every other page treats the visitor as signed out.
     */
    pendingSecondFactor?: { userId: string; accountId: string; email: string; until: number };
  }
}

/** Time to type the code after the password. */
const PENDING_MS = 5 * 60 * 1000;
const CodeForm = z.strictObject({ _csrf: text(200).optional(), code: text(40) });

export async function startSecondFactor(req: Request, res: Response, user: User): Promise<void> {
  await regenerateSession(req);
  req.session.pendingSecondFactor = { userId: user.id, accountId: user.accountId, email: user.email, until: Date.now() + PENDING_MS };
  await saveSession(req);
  res.redirect(303, '/login/code');
}

/**
 * The second sign-in step: a TOTP code or a recovery code. Attempts are limited like logins: per client IP
 * (every attempt) and per user (failures), so six digits cannot be guessed within a pending step.
 */
export function addSecondFactorRoutes(
  router: Router,
  options: { db: Pool; renderer: Renderer; knownDevices: KnownDevices; rateLimitPerIp: number; rateLimitPerUser: number },
): void {
  const { db, renderer, knownDevices } = options;
  const perIp = limiter(renderer, { limit: options.rateLimitPerIp, countOnlyFailures: false });
  const perUser = limiter(renderer, {
    limit: options.rateLimitPerUser,
    key: (req) => `second-factor:${req.session?.pendingSecondFactor?.userId ?? ''}`,
    countOnlyFailures: true,
  });

  const pending = (req: Request) => {
    const step = req.session?.pendingSecondFactor;
    return step && step.until > Date.now() ? step : null;
  };
  const show = (req: Request, res: Response, error: string | null, status = 200) =>
    renderer.page(req, res, 'login-code', { title: 'Two-factor sign-in', error }, status);

  router.get('/login/code', (req, res) => {
    if (!pending(req)) return void res.redirect(303, '/login');
    show(req, res, null);
  });

  router.post('/login/code', perIp, perUser, async (req, res) => {
    const step = pending(req);
    if (!step) {
      if (req.session?.pendingSecondFactor) await destroySession(req);
      return void res.redirect(303, '/login');
    }
    const { code } = parseForm(CodeForm, req);
    const used = await verifySecondFactor(db, step.userId, code);
    if (!used) {
      req.log.info({ userId: step.userId }, 'second factor failed');
      return show(req, res, 'That code is not valid. Type the current 6-digit code from your app, or a recovery code.', 401);
    }
    const user = await getUser(db, step.userId, step.accountId);
    if (!user) return void res.redirect(303, '/login');
    await signIn(req, user);
    knownDevices.remember(req, res, step.email);
    req.log.info({ userId: user.id, with: used }, 'signed in with a second factor');
    res.redirect(303, '/dashboard');
  });
}
