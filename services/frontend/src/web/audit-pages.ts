import type { Pool } from '@pingdummy/shared';
import type { Router } from 'express';
import { AUDIT_PAGE_SIZE, describeChanges, listAuditLog } from '../audit/audit-log.js';
import { currentUser } from './auth.js';
import { HttpError } from './http-errors.js';
import type { Renderer } from './render.js';

const PAGE = /^[1-9][0-9]{0,6}$/;

/** The audit log, 50 entries a page, newest first (owners only, by WEB_ROLE_POLICY). */
export function addAuditPages(router: Router, options: { db: Pool; renderer: Renderer }): void {
  const { db, renderer } = options;
  router.get('/audit', async (req, res) => {
    const pageParameter = req.query.page ?? '1';
    if (typeof pageParameter !== 'string' || !PAGE.test(pageParameter)) throw new HttpError(400, 'The "page" parameter must be a whole number of at least 1.');
    const page = Number(pageParameter);
    const log = await listAuditLog(db, currentUser(res).accountId, { page, pageSize: AUDIT_PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(log.total / log.pageSize));
    const entries = log.entries.map((entry) => ({ ...entry, lines: describeChanges(entry) }));
    renderer.page(req, res, 'audit', { title: 'Audit log', entries, page, pages, total: log.total });
  });
}
