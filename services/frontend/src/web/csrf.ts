import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';

export interface CsrfProtection {
  /** Rejects unsafe requests whose token (form field `_csrf` or header `x-csrf-token`) does not match the cookie. */
  protect: RequestHandler;
  /** The token for forms on the page being rendered (sets the cookie when needed). */
  token(req: Request, res: Response): string;
}

/**
 * Double-submit CSRF tokens (csrf-csrf): an HMAC-bound token in a cookie and the same token in each form.
 * The token is bound to the session id once signed in, so a token from before login stops working after it.
 */
export function createCsrfProtection(options: { secret: string; secure: boolean }): CsrfProtection {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => options.secret,
    getSessionIdentifier: (req) => (req.session?.userId ? req.sessionID : 'anonymous'),
    cookieName: options.secure ? '__Host-pd.csrf' : 'pd.csrf',
    cookieOptions: { sameSite: 'strict', secure: options.secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const field = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof field === 'string') return field;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });
  return {
    protect: doubleCsrfProtection,
    token: (req, res) => generateCsrfToken(req, res),
  };
}
