import type { Pool } from '@pingdummy/shared';
import type { Router } from 'express';
import { getStatusPage } from '../data/status-page.js';
import { notFound } from './http-errors.js';
import type { Renderer } from './render.js';
import { serverTimingOf } from './server-timing.js';

/** The public status page: public checks only, nothing tied to the signed-in visitor. */
export function addStatusPages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;
  router.get('/status/:slug', async (req, res) => {
    const page = await serverTimingOf(res).time('db', getStatusPage(db, req.params.slug));
    if (!page) throw notFound('status page');
    // A check in planned maintenance is not "having problems": the page says maintenance is in progress instead.
    const allUp = page.checks.every((check) => check.state === 'up' || check.maintenance.current.length > 0);
    res.set('cache-control', 'public, max-age=30');
    const inMaintenance = page.checks.some((check) => check.maintenance.current.length > 0);
    renderer.page(req, res, 'status', { title: page.title, page, allUp, inMaintenance, publicPage: true });
  });
}
