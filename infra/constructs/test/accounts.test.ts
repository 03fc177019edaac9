import { IamGroup } from '@cdktf/provider-aws/lib/iam-group/index.js';
import { Accounts } from '../src/accounts.js';
import { EnvironmentRoles } from '../src/environment-roles.js';
import { GithubOidc } from '../src/github-oidc.js';
import { resourcesOf, synth, TEST_BOUNDARY } from './helpers.js';

type Statement = { actions?: string[]; resources?: string[]; principals?: Array<{ type: string; identifiers: string[] }>; condition?: Array<{ test: string; variable: string; values: string[] }> };
const documents = (out: ReturnType<typeof synth>) => Object.values(out.json.data!.aws_iam_policy_document!).map((d) => d.statement as Statement[]);

describe('Accounts (ops account)', () => {
  const out = synth((scope) => new Accounts(scope, 'accounts', {
    environments: [{ environment: 'stage', accountId: '222233334444' }, { environment: 'prod', accountId: '333344445555' }],
  }));

  it('creates a group per environment and role, allowed to assume that role with MFA only', () => {
    expect(resourcesOf(out, 'aws_iam_group').map((g) => g.name).sort()).toEqual(['prod-admin', 'prod-readonly', 'stage-admin', 'stage-readonly']);
    expect(out.text).toHaveResourceWithProperties(IamGroup, { name: 'prod-admin', path: '/environments/' });
    const prodAdmin = documents(out).flat().find((s) => s.resources?.[0] === 'arn:aws:iam::333344445555:role/prod-admin')!;
    expect(prodAdmin.actions).toContain('sts:AssumeRole');
    expect(prodAdmin.condition).toEqual([{ test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] }]);
  });
});

describe('EnvironmentRoles (environment account)', () => {
  const deployPolicyArn = 'arn:aws:iam::333344445555:policy/acme-prod-deploy';
  const out = synth((scope) => new EnvironmentRoles(scope, 'roles', { environment: 'prod', opsAccountId: '111122223333', deployPolicyArn }));

  it('creates roles that trust only the ops account, with MFA', () => {
    expect(resourcesOf(out, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['prod-admin', 'prod-readonly']);
    const [trust] = documents(out);
    expect(trust![0]!.principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }]);
    expect(trust![0]!.condition![0]!.variable).toBe('aws:MultiFactorAuthPresent');
  });

  it('gives admin the deploy policy and read access, never AdministratorAccess, IAMFullAccess or PowerUserAccess', () => {
    const attached = resourcesOf(out, 'aws_iam_role_policy_attachment').map((a) => `${String(a.role)} ${String(a.policy_arn)}`);
    expect(attached.filter((a) => a.includes('admin')).map((a) => a.split(' ')[1]).sort()).toEqual([deployPolicyArn, 'arn:aws:iam::aws:policy/ReadOnlyAccess'].sort());
    expect(JSON.stringify(attached)).not.toMatch(/AdministratorAccess|IAMFullAccess|PowerUserAccess/);
  });

  it('gives every role the permissions boundary of its scope', () => {
    for (const role of resourcesOf(out, 'aws_iam_role')) expect(role).toMatchObject({ permissions_boundary: TEST_BOUNDARY });
  });

  it('refuses administrator policies', () => {
    for (const policy of ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/IAMFullAccess']) {
      expect(() => synth((scope) => new EnvironmentRoles(scope, 'roles', { environment: 'prod', opsAccountId: '111122223333', deployPolicyArn, roles: { admin: [policy] } })))
        .toThrow(`EnvironmentRoles roles.admin must not include ${policy}`);
    }
  });
});

describe('GithubOidc', () => {
  const policyArns = ['arn:aws:iam::333344445555:policy/acme-prod-deploy'];
  const out = synth((scope) => new GithubOidc(scope, 'github', { roleName: 'acme-prod-deploy', repository: 'acme/app', environments: ['prod'], branches: ['main'], policyArns }));

  it('trusts the GitHub OIDC provider for the repository subjects and the STS audience only', () => {
    expect(resourcesOf(out, 'aws_iam_openid_connect_provider')[0]).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    const [trust] = documents(out);
    expect(trust![0]!.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust![0]!.condition).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:acme/app:environment:prod', 'repo:acme/app:ref:refs/heads/main'] },
    ]);
    expect(out.text).not.toContain('repo:acme/app:*');
  });

  it('attaches only the given policies and carries the permissions boundary', () => {
    expect(resourcesOf(out, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toEqual(policyArns);
    expect(resourcesOf(out, 'aws_iam_role')[0]).toMatchObject({ name: 'acme-prod-deploy', permissions_boundary: TEST_BOUNDARY, path: '/stack/' });
  });

  it('refuses wildcards, forged subjects, no subject at all and administrator policies', () => {
    const oidc = (props: Partial<ConstructorParameters<typeof GithubOidc>[2]>) => () =>
      synth((scope) => new GithubOidc(scope, 'github', { roleName: 'r', repository: 'acme/app', environments: ['prod'], policyArns, ...props }));
    expect(oidc({ branches: ['*'] })).toThrow('GithubOidc environments/branches "*" must be exact names');
    expect(oidc({ environments: ['prod:*'] })).toThrow('GithubOidc environments/branches "prod:*" must be exact names');
    expect(oidc({ environments: [], branches: [] })).toThrow('GithubOidc needs environments or branches');
    expect(oidc({ policyArns: ['arn:aws:iam::aws:policy/IAMFullAccess'] })).toThrow('GithubOidc policyArns must not include arn:aws:iam::aws:policy/IAMFullAccess');
  });
});
