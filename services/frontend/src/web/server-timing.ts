import type { NextFunction, Request, Response } from 'express';

/**
 * Server-Timing of one request (`db;dur=…, render;dur=…, total;dur=…`): the browser's network panel and the
 * dashboard benchmark read where a page's time goes without a profiler.
 */
export class ServerTiming {
  private readonly started = performance.now();
  private readonly entries: { name: string; ms: number }[] = [];

  /** Awaits `work` and records its duration under `name` (parallel work under one name overlaps, not adds). */
  async time<T>(name: string, work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.entries.push({ name, ms: performance.now() - started });
    }
  }

  record(name: string, ms: number): void {
    this.entries.push({ name, ms });
  }

  /** The header value, with the time since the request reached the page routes as `total`. */
  header(): string {
    const total = performance.now() - this.started;
    return [...this.entries, { name: 'total', ms: total }].map((entry) => `${entry.name};dur=${entry.ms.toFixed(1)}`).join(', ');
  }
}

/** Starts the clock for a request; mounted first on the page router so `total` includes sessions and CSRF. */
export function startServerTiming(_req: Request, res: Response, next: NextFunction): void {
  res.locals.serverTiming = new ServerTiming();
  next();
}

/** The request's timing (a fresh one if the middleware was not mounted, e.g. in a unit test). */
export function serverTimingOf(res: Response): ServerTiming {
  return (res.locals.serverTiming as ServerTiming | undefined) ?? (res.locals.serverTiming = new ServerTiming());
}
