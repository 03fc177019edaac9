import type { Pool } from '@pingdummy/shared';
import { makeBadge } from 'badge-maker';
import express, { type Router } from 'express';
import { findBadgeCheck } from '../data/badges.js';
import { getCheckSummary } from '../data/summaries.js';
import { percent, stateLabel } from './format.js';

/** How long browsers and proxies may reuse a badge before asking again (then mostly answered 304). */
export const BADGE_MAX_AGE_SECONDS = 60;

/** Badge colours per state (white text on each passes WCAG AA). */
const BADGE_COLOURS: Record<string, string> = {
  up: '#15803d',
  degraded: '#854d0e',
  down: '#b91c1c',
  pending: '#57606a',
  paused: '#57606a',
};

/** The badge's SVG: "uptime | Up · 99.95%" (uptime of the last 30 days), coloured by state. */
export function badgeSvg(state: string, uptime30d: number | null): string {
  const uptime = uptime30d === null ? 'no data' : percent(uptime30d);
  return makeBadge({
    label: 'uptime',
    message: `${stateLabel(state).toLowerCase()} · ${uptime}`,
    color: BADGE_COLOURS[state] ?? BADGE_COLOURS.pending!,
    style: 'flat',
  });
}

/**
 * GET /badge/<token>.svg, public and cacheable: it is read before sessions (no cookie, no session lookup).
 * Express adds an ETag from the body and answers a matching If-None-Match with 304.
 */
export function createBadgeRouter(db: Pool): Router {
  const router = express.Router();
  router.get('/:file', async (req, res) => {
    const token = /^(.+)\.svg$/.exec(req.params.file)?.[1];
    const check = token ? await findBadgeCheck(db, token) : null;
    if (!check) {
      res.status(404).set('cache-control', 'no-store').type('text').send('No such badge (unknown address, or the badge was turned off).');
      return;
    }
    const summary = await getCheckSummary(db, check.accountId, check.checkId);
    const state = check.paused ? 'paused' : check.state;
    res
      .set('cache-control', `public, max-age=${BADGE_MAX_AGE_SECONDS}`)
      // Embedded in READMEs and other sites: helmet's same-origin resource policy would block those.
      .set('cross-origin-resource-policy', 'cross-origin')
      .type('image/svg+xml')
      .send(badgeSvg(state, summary?.uptime30d ?? null));
  });
  return router;
}
