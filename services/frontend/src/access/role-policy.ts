import type { Role } from './roles.js';

/**
 * Which role a request needs, decided from its method and path alone so that every route, including routes
 * added later, is covered without edits (default deny for writes):
 * 1. paths on the owner-only list need an owner, whatever the method;
 * 2. paths on the self-service list (a person's own password, two-factor, colour theme, sign-out) are open to every role;
 * 3. any other write (POST, PUT, PATCH, DELETE, ...) needs a member, and so do the forms that lead to one
 *    (`.../new`, `.../edit`);
 * 4. any other read (GET, HEAD, OPTIONS) is open to every role.
 */
export interface RolePolicy {
  /** Path prefixes only owners reach (a prefix matches itself and what follows a `/` or `.`). */
  ownerOnly: readonly string[];
  /** Path prefixes every signed-in role may also write to. */
  selfService: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WRITE_FORM = /\/(new|edit)$/;

function underAny(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`));
}

export function requiredRole(policy: RolePolicy, method: string, path: string): Role {
  // Express matches paths case-insensitively and ignores a trailing slash: so does the policy.
  const normalized = path.toLowerCase().replace(/\/+$/, '') || '/';
  if (underAny(normalized, policy.ownerOnly)) return 'owner';
  if (underAny(normalized, policy.selfService)) return 'read_only';
  if (!SAFE_METHODS.has(method.toUpperCase())) return 'member';
  return WRITE_FORM.test(normalized) ? 'member' : 'read_only';
}

/** The web pages' policy. */
export const WEB_ROLE_POLICY: RolePolicy = {
  ownerOnly: ['/team', '/audit', '/settings/status-page', '/settings/tokens'],
  selfService: ['/logout', '/login', '/signup', '/invitations', '/settings/password', '/settings/two-factor', '/settings/theme'],
};

/** The API's policy (paths relative to /api/v1). */
export const API_ROLE_POLICY: RolePolicy = {
  ownerOnly: ['/audit-log', '/members', '/invitations', '/tokens', '/settings', '/status-page'],
  selfService: [],
};
