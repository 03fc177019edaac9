import { API_ROLE_POLICY, requiredRole, WEB_ROLE_POLICY } from '../../src/access/role-policy.js';
import { roleAllows } from '../../src/access/roles.js';

test('reads are open to every role, writes need a member, and routes nobody listed are covered', () => {
  expect(requiredRole(WEB_ROLE_POLICY, 'GET', '/dashboard')).toBe('read_only');
  expect(requiredRole(WEB_ROLE_POLICY, 'HEAD', '/checks/1')).toBe('read_only');
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post', 'PROPFIND']) {
    expect([method, requiredRole(WEB_ROLE_POLICY, method, '/maintenance-windows')]).toEqual([method, 'member']);
    expect([method, requiredRole(API_ROLE_POLICY, method, '/heartbeats/abc')]).toEqual([method, 'member']);
  }
  expect(requiredRole(WEB_ROLE_POLICY, 'GET', '/maintenance/new')).toBe('member');
  expect(requiredRole(WEB_ROLE_POLICY, 'GET', '/channels/1/edit')).toBe('member');
});

test('the owner-only list holds whatever the method, spelling or trailing slash (Express matches those too)', () => {
  for (const path of ['/team', '/team/members/1/role', '/TEAM', '/audit/', '/audit.json', '/settings/tokens', '/Settings/Tokens/', '/settings/tokens/1/revoke', '/settings/status-page']) {
    expect([path, requiredRole(WEB_ROLE_POLICY, 'GET', path), requiredRole(WEB_ROLE_POLICY, 'POST', path)]).toEqual([path, 'owner', 'owner']);
  }
  expect(requiredRole(API_ROLE_POLICY, 'GET', '/audit-log')).toBe('owner');
  // A prefix is a whole segment: /teams is not /team.
  expect(requiredRole(WEB_ROLE_POLICY, 'GET', '/teams')).toBe('read_only');
});

test('a person’s own password, two-factor settings and sign-out are open to every role', () => {
  for (const path of ['/settings/password', '/settings/two-factor/confirm', '/settings/two-factor/disable', '/logout']) {
    expect([path, requiredRole(WEB_ROLE_POLICY, 'POST', path)]).toEqual([path, 'read_only']);
  }
  expect(requiredRole(WEB_ROLE_POLICY, 'GET', '/settings')).toBe('read_only');
});

test('roles are ordered owner > member > read-only', () => {
  expect(roleAllows('owner', 'member')).toBe(true);
  expect(roleAllows('member', 'member')).toBe(true);
  expect(roleAllows('member', 'owner')).toBe(false);
  expect(roleAllows('read_only', 'member')).toBe(false);
  expect(roleAllows('read_only', 'read_only')).toBe(true);
});
