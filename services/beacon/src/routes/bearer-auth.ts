import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Accepts only `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is
 * constant-time whatever the presented length.
 */
export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const presented = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (presented && timingSafeEqual(digest(presented), expected)) return next();
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or invalid bearer token' });
  };
}
