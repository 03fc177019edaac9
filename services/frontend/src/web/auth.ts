import type { Pool } from '@pingdummy/shared';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { fieldErrors, parseForm, text, type FieldErrors } from './forms.js';
import { sendError, wantsJson } from './http-errors.js';
import { normalizeEmail, type KnownDevices } from './known-devices.js';
import type { Renderer } from './render.js';
import { destroySession, regenerateSession, saveSession } from './session.js';
import { addSecondFactorRoutes, startSecondFactor } from './two-factor-login.js';
import { createUserWithAccount, EmailTakenError, getUser, verifyLogin, type User } from './users.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      user?: User;
    }
  }
}

const AUTH_WINDOW_MS = 15 * 60 * 1000;

export const EmailSchema = z.email('is not a valid email address').max(254, 'is longer than 254 characters');
export const NewPasswordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters');

const CredentialsForm = z.strictObject({ _csrf: text(200).optional(), email: text(254), password: text(200) });
const Credentials = z.object({ email: EmailSchema, password: z.string().min(1, 'is required') });
const SignupValues = z.object({ email: EmailSchema, password: NewPasswordSchema });

/** The signed-in user; only for handlers behind requireUser (elsewhere it throws). */
export function currentUser(res: Response): User {
  const user = res.locals.user;
  if (!user) throw new Error('currentUser used on a route without requireUser');
  return user;
}

/** Loads the session's user (if any) into res.locals.user; a session whose user is gone is ended. */
export function loadUser(db: Pool): RequestHandler {
  return async (req, res, next) => {
    const { userId, accountId } = req.session ?? {};
    if (!userId || !accountId) return next();
    const user = await getUser(db, userId, accountId);
    if (user) res.locals.user = user;
    else await destroySession(req);
    next();
  };
}

/** Sends visitors without a session to the login page (or 401 JSON for .json endpoints). */
export const requireUser: RequestHandler = (req, res, next) => {
  if (res.locals.user) return next();
  if (wantsJson(req)) {
    return void res.status(401).json({ error: 'sign in first' });
  }
  if (req.method === 'GET') return void res.redirect(303, '/login');
  res.status(401).type('text').send('Sign in first.');
};

/** Where an attempt comes from: the client IP, IPv6 grouped by /56 as express-rate-limit does. */
const clientOf = (req: Request) => ipKeyGenerator(req.ip ?? '');
const emailOf = (req: Request) => {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? normalizeEmail(email) : '';
};

export interface LimiterOptions {
  limit: number;
  /** The counter an attempt is added to; @default the client IP */
  key?: (req: Request) => string;
  /** Count only attempts that failed (a successful sign-in does not use up the budget). */
  countOnlyFailures: boolean;
  /** Attempts that are not counted nor limited. */
  skip?: (req: Request) => boolean;
}

/** An attempt limiter over AUTH_WINDOW_MS (in-memory, per process) answering 429 with a page or JSON. */
export function limiter(renderer: Renderer, options: LimiterOptions): RateLimitRequestHandler {
  const key = options.key;
  return rateLimit({
    windowMs: AUTH_WINDOW_MS,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.countOnlyFailures,
    requestWasSuccessful: (_req, res) => res.statusCode < 400,
    ...(key ? { keyGenerator: (req: Request) => key(req) } : {}),
    ...(options.skip ? { skip: options.skip } : {}),
    handler: (req: Request, res: Response) =>
      sendError(renderer, req, res, 429, 'Too many attempts. Wait 15 minutes, then try again.'),
  });
}

/** Starts a signed-in session for `user` (a fresh session id). */
export async function signIn(req: Request, user: User): Promise<void> {
  // A fresh session id at login, so an id planted before login is worthless afterwards.
  await regenerateSession(req);
  req.session.userId = user.id;
  req.session.accountId = user.accountId;
  await saveSession(req);
}

export interface AuthRouteOptions {
  db: Pool;
  renderer: Renderer;
  /** Login and sign-up attempts per client IP. */
  rateLimitPerIp: number;
  /** Failed logins per email from one client IP. */
  rateLimitPerEmailAndIp: number;
  /** Failed logins per email from anywhere, known devices exempt; also sign-ups per email. */
  rateLimitPerEmail: number;
  knownDevices: KnownDevices;
}

/**
 * Sign-up, login and logout, rate-limited with express-rate-limit's in-memory store (counters live in this
 * process: per task, reset on restart). Logins are limited so that guessing is slow but the owner is never
 * locked out by someone else's attempts:
 * 1. per client IP, every attempt: one address cannot try many accounts;
 * 2. per email and client IP, failures only: one address cannot try many passwords on one account;
 * 3. per email from all addresses, failures only, skipped for a browser that signed in to that account before
 *    (known-device cookie): a distributed guess is slowed, while the owner's own browser still gets in.
 */
export function addAuthRoutes(router: Router, options: AuthRouteOptions): void {
  const { db, renderer, knownDevices } = options;
  const loginPerIp = limiter(renderer, { limit: options.rateLimitPerIp, countOnlyFailures: false });
  const loginPerEmailAndIp = limiter(renderer, {
    limit: options.rateLimitPerEmailAndIp,
    key: (req) => `email-ip:${emailOf(req)}|${clientOf(req)}`,
    countOnlyFailures: true,
  });
  const loginPerEmail = limiter(renderer, {
    limit: options.rateLimitPerEmail,
    key: (req) => `email:${emailOf(req)}`,
    countOnlyFailures: true,
    skip: (req) => knownDevices.recognises(req, emailOf(req)),
  });
  const signupPerIp = limiter(renderer, { limit: options.rateLimitPerIp, countOnlyFailures: false });
  const signupPerEmail = limiter(renderer, { limit: options.rateLimitPerEmail, key: (req) => `email:${emailOf(req)}`, countOnlyFailures: false });

  const showSignup = (req: Request, res: Response, values: { email?: string }, errors: FieldErrors, status = 200) =>
    renderer.page(req, res, 'signup', { title: 'Create your account', values, errors }, status);
  const showLogin = (req: Request, res: Response, values: { email?: string }, errors: FieldErrors, status = 200) =>
    renderer.page(req, res, 'login', { title: 'Sign in', values, errors }, status);

  router.get('/signup', (req, res) => {
    if (res.locals.user) return void res.redirect(303, '/dashboard');
    showSignup(req, res, {}, {});
  });
  router.post('/signup', signupPerIp, signupPerEmail, async (req, res) => {
    const form = parseForm(CredentialsForm, req);
    const values = { email: form.email.trim() };
    const parsed = SignupValues.safeParse({ email: values.email, password: form.password });
    if (!parsed.success) return showSignup(req, res, values, fieldErrors(parsed.error), 422);
    try {
      const user = await createUserWithAccount(db, parsed.data.email, parsed.data.password);
      await signIn(req, user);
      knownDevices.remember(req, res, parsed.data.email);
      req.log.info({ userId: user.id, accountId: user.accountId }, 'user signed up');
      res.redirect(303, '/dashboard');
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      showSignup(req, res, values, { email: 'An account with this email already exists. Sign in instead.' }, 409);
    }
  });

  router.get('/login', (req, res) => {
    if (res.locals.user) return void res.redirect(303, '/dashboard');
    showLogin(req, res, {}, {});
  });
  router.post('/login', loginPerIp, loginPerEmailAndIp, loginPerEmail, async (req, res) => {
    const form = parseForm(CredentialsForm, req);
    const values = { email: form.email.trim() };
    const parsed = Credentials.safeParse({ email: values.email, password: form.password });
    if (!parsed.success) return showLogin(req, res, values, fieldErrors(parsed.error), 422);
    const user = await verifyLogin(db, parsed.data.email, parsed.data.password);
    if (!user) {
      req.log.info('login failed');
      return showLogin(req, res, values, { form: 'Wrong email or password.' }, 401);
    }
    // With two-factor sign-in the session only remembers who passed the password step (not signed in).
    if (user.twoFactorEnabled) return startSecondFactor(req, res, user);
    await signIn(req, user);
    knownDevices.remember(req, res, parsed.data.email);
    res.redirect(303, '/dashboard');
  });
  addSecondFactorRoutes(router, { db, renderer, knownDevices, rateLimitPerIp: options.rateLimitPerIp, rateLimitPerUser: options.rateLimitPerEmailAndIp });

  router.post('/logout', async (req, res) => {
    if (req.session?.userId) await destroySession(req);
    res.redirect(303, '/login?notice=signed-out');
  });
}

