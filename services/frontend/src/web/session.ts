import type { Pool } from '@pingdummy/shared';
import connectPgSimple from 'connect-pg-simple';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    accountId: string;
    /** Warnings from the last save of a check, shown once on its page (post/redirect/get). */
    checkWarnings?: { checkId: string; messages: string[] };
    /** A just-created API token, shown once on the next GET /settings, then dropped. */
    newApiToken?: { name: string; token: string };
    /** A just-created webhook's signing secret, shown once on the next GET /channels, then dropped. */
    newSigningSecret?: { channelId: string; channelName: string; secret: string };
  }
}

export const SESSION_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

export interface SessionMiddleware {
  middleware: RequestHandler;
  cookieName: string;
  /** Stops the store's expired-session pruning timer. */
  close(): void;
}

/**
 * Sessions in Postgres (connect-pg-simple on the migrated `sessions` table). Only signed-in visitors get a
 * session row; the cookie is HttpOnly, SameSite=Lax, and Secure (with the __Host- prefix) when configured.
 */
export function createSessionMiddleware(options: { pool: Pool; secret: string; secure: boolean }): SessionMiddleware {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: options.pool,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
  });
  const cookieName = options.secure ? '__Host-pd.sid' : 'pd.sid';
  const middleware = session({
    store,
    name: cookieName,
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/', maxAge: SESSION_MAX_AGE_MS },
  });
  return { middleware, cookieName, close: () => store.close() };
}

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
}
