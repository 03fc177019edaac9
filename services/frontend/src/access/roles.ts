/** A user's role in their account: owners manage everything, members checks and channels, read-only users only read. */
export const ROLES = ['owner', 'member', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', member: 'Member', read_only: 'Read-only' };

const RANK: Record<Role, number> = { read_only: 0, member: 1, owner: 2 };

/** Whether `role` may do what needs `required` (an owner may do what a member may, a member what a reader may). */
export function roleAllows(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
