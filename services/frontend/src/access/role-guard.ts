import type { RequestHandler } from 'express';
import { requiredRole, type RolePolicy } from './role-policy.js';
import { ROLE_LABELS, roleAllows, type Role } from './roles.js';

/** Why a request was refused, in words a person can act on. */
export function forbiddenMessage(role: Role, required: Role): string {
  const needs = required === 'owner' ? 'an owner' : 'a member or an owner';
  return `Your role in this account (${ROLE_LABELS[role]}) cannot do this: it needs ${needs}.`;
}

/**
 * Mounted once in front of every route of a router: refuses with 403 what the caller's role may not do (see
 * requiredRole). Requests without a signed-in user pass through to the routes' own sign-in checks.
 */
export function roleGuard(
  policy: RolePolicy,
  roleOf: (res: Parameters<RequestHandler>[1]) => Role | undefined,
  refuse: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], message: string) => void,
): RequestHandler {
  return (req, res, next) => {
    const role = roleOf(res);
    if (!role) return next();
    const required = requiredRole(policy, req.method, req.path);
    if (roleAllows(role, required)) return next();
    refuse(req, res, forbiddenMessage(role, required));
  };
}
