import type { Pool } from '@pingdummy/shared';
import type { Router } from 'express';
import { z } from 'zod';
import { currentUser } from './auth.js';
import { parseForm, text } from './forms.js';
import { HttpError } from './http-errors.js';
import { THEMES, type Theme } from './users.js';

const ThemeForm = z.strictObject({ _csrf: text(200).optional(), theme: text(20), back: text(2048).optional() });

/** Saves the signed-in user's colour theme. */
export async function saveTheme(db: Pool, userId: string, theme: Theme): Promise<void> {
  await db.query(`UPDATE users SET theme = $2 WHERE id = $1`, [userId, theme]);
}

/** A local path to return to: only "/something" (never "//host" or "/\\host", which browsers read as another site). */
function localPath(back: string | undefined): string {
  return back && /^\/(?![/\\])/.test(back) ? back : '/dashboard';
}

/**
 * The theme switch of the top bar (light / dark / system), remembered per user. The layout applies it on the
 * server (`data-theme` on <html>), so a page never flashes the other theme first.
 */
export function addThemeRoute(router: Router, options: { db: Pool }): void {
  router.post('/settings/theme', async (req, res) => {
    const form = parseForm(ThemeForm, req);
    if (!(THEMES as readonly string[]).includes(form.theme)) {
      throw new HttpError(400, `Form field "theme" must be one of ${THEMES.join(', ')}.`);
    }
    await saveTheme(options.db, currentUser(res).id, form.theme as Theme);
    res.redirect(303, localPath(form.back));
  });
}
