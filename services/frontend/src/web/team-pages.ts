import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { isRole, ROLE_LABELS, ROLES } from '../access/roles.js';
import { runAsActor } from '../audit/audit-actor.js';
import { acceptInvitation, createInvitation, findInvitation, INVITATION_TTL_DAYS, listPendingInvitations, revokeInvitation } from '../team/invitations.js';
import { invitationEmail } from '../team/invitation-email.js';
import { changeMemberRole, LastOwnerError, listMembers, removeMember } from '../team/members.js';
import { currentUser, EmailSchema, NewPasswordSchema, signIn } from './auth.js';
import { fieldErrors, parseForm, text, type FieldErrors } from './forms.js';
import { HttpError, notFound } from './http-errors.js';
import type { Renderer } from './render.js';
import { saveSession } from './session.js';
import { EmailTakenError } from './users.js';

declare module 'express-session' {
  interface SessionData {
    /** A just-created invitation link, shown once on the next GET /team. */
    newInvitation?: { email: string; link: string; emailed: boolean };
  }
}

const InviteForm = z.strictObject({ _csrf: text(200).optional(), email: text(254), role: text(20) });
const InviteValues = z.object({ email: EmailSchema, role: z.enum(ROLES, 'must be owner, member or read_only') });
const RoleForm = z.strictObject({ _csrf: text(200).optional(), role: text(20) });
const ActionForm = z.strictObject({ _csrf: text(200).optional() });
const AcceptForm = z.strictObject({ _csrf: text(200).optional(), token: text(100), password: text(200), confirmPassword: text(200) });
/**
 * The link carries its token in the query string, not the path: request logs record the path only, so the
 * secret never reaches a log line. The accept form posts it back in the body.
 */
const ACCEPT_PATH = '/invitations/accept';

async function accountNameOf(db: Pool, accountId: string): Promise<string> {
  const { rows } = await db.query(`SELECT name FROM accounts WHERE id = $1`, [accountId]);
  return rows[0]?.name ?? 'your team';
}

/** Team: members and their roles, invitations (owners only, by WEB_ROLE_POLICY), and accepting an invitation. */
export function addTeamPages(router: Router, options: { db: Pool; renderer: Renderer; emailDeliveryConfigured: boolean }): void {
  const { db, renderer, emailDeliveryConfigured } = options;

  async function show(req: Request, res: Response, invite: { values: { email: string; role: string }; errors: FieldErrors } | null = null, status = 200) {
    const { accountId } = currentUser(res);
    const [members, invitations] = await Promise.all([listMembers(db, accountId), listPendingInvitations(db, accountId)]);
    const created = req.session.newInvitation ?? null;
    delete req.session.newInvitation;
    renderer.page(
      req,
      res,
      'team',
      {
        title: 'Team',
        members,
        invitations,
        created,
        invite: invite ?? { values: { email: '', role: 'member' }, errors: {} },
        roles: ROLES,
        roleLabels: ROLE_LABELS,
        ttlDays: INVITATION_TTL_DAYS,
        scripts: created ? ['/static/js/copy-token.js'] : [],
      },
      status,
    );
  }

  router.get('/team', (req, res) => show(req, res));

  router.post('/team/invitations', async (req, res) => {
    const user = currentUser(res);
    const form = parseForm(InviteForm, req);
    const values = { email: form.email.trim(), role: form.role };
    const parsed = InviteValues.safeParse(values);
    if (!parsed.success) return show(req, res, { values, errors: fieldErrors(parsed.error) }, 422);
    const linkOf = (token: string) => `${req.protocol}://${req.get('host')}${ACCEPT_PATH}?token=${token}`;
    // Emailed by the worker when it can send email; the owner sees the link once either way.
    const accountName = emailDeliveryConfigured ? await accountNameOf(db, user.accountId) : null;
    const composeEmail =
      accountName === null
        ? undefined
        : (token: string) =>
            invitationEmail({ accountName, inviterEmail: user.email, role: parsed.data.role, link: linkOf(token), ttlDays: INVITATION_TTL_DAYS });
    const invitation = await createInvitation(db, user.accountId, user.id, parsed.data.email, parsed.data.role, composeEmail);
    req.session.newInvitation = { email: invitation.email, link: linkOf(invitation.token), emailed: composeEmail !== undefined };
    await saveSession(req);
    res.redirect(303, '/team#invitations-heading');
  });

  router.post('/team/invitations/:id/revoke', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await revokeInvitation(db, currentUser(res).accountId, req.params.id))) throw notFound('invitation');
    res.redirect(303, '/team');
  });

  router.post('/team/members/:id/role', async (req, res) => {
    const form = parseForm(RoleForm, req);
    if (!isRole(form.role)) throw new HttpError(400, 'Form field "role" must be owner, member or read_only.');
    try {
      if (!(await changeMemberRole(db, currentUser(res).accountId, req.params.id, form.role))) throw notFound('member');
    } catch (error) {
      if (error instanceof LastOwnerError) throw new HttpError(409, error.message);
      throw error;
    }
    res.redirect(303, '/team');
  });

  router.post('/team/members/:id/remove', async (req, res) => {
    parseForm(ActionForm, req);
    try {
      if (!(await removeMember(db, currentUser(res).accountId, req.params.id))) throw notFound('member');
    } catch (error) {
      if (error instanceof LastOwnerError) throw new HttpError(409, error.message);
      throw error;
    }
    res.redirect(303, '/team');
  });

  const invitationGone = () => new HttpError(404, 'This invitation link is unknown, expired, revoked or already used. Ask for a new one.');
  const showAccept = async (req: Request, res: Response, token: string, errors: FieldErrors, status = 200) => {
    if (res.locals.user) throw new HttpError(409, 'You are signed in: sign out first, then open the invitation link again.');
    const invitation = await findInvitation(db, token);
    if (!invitation) throw invitationGone();
    renderer.page(req, res, 'invitation', { title: 'Join the team', invitation, token, roleLabels: ROLE_LABELS, errors }, status);
  };

  router.get(ACCEPT_PATH, (req, res) => showAccept(req, res, typeof req.query.token === 'string' ? req.query.token : '', {}));

  router.post(ACCEPT_PATH, async (req, res) => {
    const form = parseForm(AcceptForm, req);
    const { token } = form;
    const errors: FieldErrors = {};
    const strength = NewPasswordSchema.safeParse(form.password);
    if (!strength.success) errors.password = strength.error.issues[0]?.message ?? 'is invalid';
    if (form.confirmPassword !== form.password) errors.confirmPassword = 'does not match the password';
    if (Object.keys(errors).length > 0) return showAccept(req, res, token, errors, 422);
    if (res.locals.user) throw new HttpError(409, 'You are signed in: sign out first, then open the invitation link again.');
    const invitation = await findInvitation(db, token);
    if (!invitation) throw invitationGone();
    try {
      const user = await runAsActor({ label: `${invitation.email} (accepted an invitation)` }, () =>
        acceptInvitation(db, token, form.password),
      );
      if (!user) throw invitationGone();
      await signIn(req, user);
      req.log.info({ userId: user.id, accountId: user.accountId }, 'invitation accepted');
      res.redirect(303, '/dashboard');
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      throw new HttpError(409, 'This email already has a Pingdummy account; a person belongs to one account. Ask the owner to invite another address.');
    }
  });
}
