import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Renderer } from './render.js';

/** An error whose message is safe to show: a status and a sentence for the person who sent the request. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = 'page') => new HttpError(404, `This ${what} does not exist, or it belongs to another account.`);

/** .json endpoints and fetch calls get JSON errors (originalUrl: req.path is relative to a mounted router). */
export function wantsJson(req: Request): boolean {
  const path = req.originalUrl.split('?')[0] ?? '';
  return path.endsWith('.json') || (req.get('accept') ?? '').startsWith('application/json');
}

/** Sends an error page (or JSON for .json endpoints and fetch calls) with a readable message and no stack trace. */
export function sendError(renderer: Renderer, req: Request, res: Response, status: number, message: string): void {
  if (wantsJson(req)) return void res.status(status).json({ error: message });
  renderer.page(req, res, 'error', { title: status === 404 ? 'Not found' : 'Something went wrong', status, message }, status);
}

/**
 * HTML error handler for the browser-facing routes: body-parser failures become 400/413, CSRF failures
 * 403, HttpErrors keep their status; anything else is logged and shown as a plain 500 page.
 */
export function htmlErrorHandler(renderer: Renderer): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    let status = 500;
    let message = 'Something went wrong on our side. Please try again.';
    if (error instanceof HttpError) {
      status = error.status;
      message = error.message;
    } else if (error?.code === 'EBADCSRFTOKEN') {
      status = 403;
      message = 'This form expired or was sent from another site. Reload the page and try again.';
    } else if (error?.type === 'entity.too.large') {
      status = 413;
      message = `The form is too large (limit ${error.limit} bytes).`;
    } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
      status = error.status;
      message = error.type === 'parameters.too.many' ? 'The form has too many fields.' : 'The request could not be read.';
    }
    if (status === 500) req.log?.error({ err: error }, 'unhandled error');
    sendError(renderer, req, res, status, message);
  };
}
