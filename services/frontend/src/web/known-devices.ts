import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** Accounts remembered per browser; the oldest is forgotten first. */
const MAX_ACCOUNTS_PER_BROWSER = 5;
const COOKIE_MAX_AGE_MS = 180 * 24 * 3600 * 1000;
/** 128 bits of HMAC-SHA256 per account, base64url (22 characters). */
const TAG_LENGTH = 22;
const TAG_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface KnownDevices {
  /** True when this browser signed in to `email` before (its cookie carries a valid tag for it). */
  recognises(req: Request, email: string): boolean;
  /** Adds `email` to this browser's cookie after a successful sign-in. */
  remember(req: Request, res: Response, email: string): void;
}

/**
 * The "known device" cookie: after a successful sign-in the browser gets an HMAC tag of the account's email,
 * so the per-account limit on failed logins (which anyone can trip for any known email) never locks out a
 * browser its owner already used. The tag proves only "this browser signed in to this account once"; the
 * limits per IP and per account and IP still apply to it.
 */
export function createKnownDevices(options: { secret: string; secure: boolean }): KnownDevices {
  const cookieName = options.secure ? '__Host-pd.known' : 'pd.known';
  const tagOf = (email: string) =>
    createHmac('sha256', options.secret).update(`known device\0${normalizeEmail(email)}`).digest('base64url').slice(0, TAG_LENGTH);
  const tagsIn = (req: Request): string[] => {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[cookieName];
    return typeof value === 'string' ? value.split('.').filter((tag) => TAG_PATTERN.test(tag)).slice(0, MAX_ACCOUNTS_PER_BROWSER) : [];
  };
  return {
    recognises(req, email) {
      const expected = Buffer.from(tagOf(email));
      return tagsIn(req).some((tag) => timingSafeEqual(Buffer.from(tag), expected));
    },
    remember(req, res, email) {
      const tag = tagOf(email);
      const tags = [tag, ...tagsIn(req).filter((other) => other !== tag)].slice(0, MAX_ACCOUNTS_PER_BROWSER);
      res.cookie(cookieName, tags.join('.'), {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
        maxAge: COOKIE_MAX_AGE_MS,
      });
    },
  };
}

/** The form of an email that limits and tags are keyed by. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
