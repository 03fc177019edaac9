import { ROLE_LABELS, type Role } from '../access/roles.js';

/** What an invitation email says; the worker sends it as plain text (migration 014). */
export interface InvitationEmail {
  subject: string;
  text: string;
}

export interface InvitationEmailFacts {
  accountName: string;
  inviterEmail: string;
  role: Role;
  /** The accept link with its token: the only copy besides the one shown to the owner once. */
  link: string;
  ttlDays: number;
}

export function invitationEmail(facts: InvitationEmailFacts): InvitationEmail {
  // Header injection is nodemailer's concern; a line break in the account name would still read oddly.
  const account = facts.accountName.replace(/\s+/g, ' ').trim();
  return {
    subject: `You are invited to ${account} on Pingdummy`.slice(0, 200),
    text: [
      `${facts.inviterEmail} invited you to the team "${account}" on Pingdummy, as ${ROLE_LABELS[facts.role]}.`,
      '',
      'Open this link to choose a password and join:',
      facts.link,
      '',
      `The link works once, for ${facts.ttlDays} days. If you did not expect this email, ignore it: nothing happens until the link is opened.`,
    ].join('\n'),
  };
}
