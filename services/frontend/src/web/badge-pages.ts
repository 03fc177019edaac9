import type { Pool } from '@pingdummy/shared';
import type { Router } from 'express';
import { z } from 'zod';
import { setBadgeEnabled } from '../data/badges.js';
import { currentUser } from './auth.js';
import { parseForm, text } from './forms.js';
import { HttpError, notFound } from './http-errors.js';

const BadgeForm = z.strictObject({ _csrf: text(200).optional(), enabled: text(5) });

/** The check page's "Turn badge on/off" button. */
export function addBadgePages(router: Router, options: { db: Pool }): void {
  router.post('/checks/:id/badge', async (req, res) => {
    const { enabled } = parseForm(BadgeForm, req);
    if (enabled !== 'true' && enabled !== 'false') throw new HttpError(400, 'Form field "enabled" must be true or false.');
    const badge = await setBadgeEnabled(options.db, currentUser(res).accountId, req.params.id as string, enabled === 'true');
    if (!badge) throw notFound('check');
    res.redirect(303, `/checks/${req.params.id}#badge`);
  });
}
