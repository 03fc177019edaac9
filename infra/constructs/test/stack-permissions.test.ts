import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Testing } from 'cdktf';
import { Bastion } from '../src/bastion.js';
import { EnvironmentStack } from '../src/environment-stack.js';
import { StackPermissions } from '../src/stack-permissions.js';
import { resourcesOf, synth } from './helpers.js';

type Statement = { sid?: string; effect?: string; actions: string[]; resources: string[]; condition?: Array<{ test: string; variable: string; values: string[] }> };

describe('StackPermissions', () => {
  const out = synth((scope) => new StackPermissions(scope, 'permissions', { name: 'acme-prod', accountId: '333344445555', stateBucketName: 'acme-prod-tfstate-333344445555' }));
  const documents = out.json.data!.aws_iam_policy_document!;
  const boundary = Object.entries(documents).find(([key]) => key.includes('boundary'))![1].statement as Statement[];
  const deploy = Object.entries(documents).find(([key]) => key.includes('deploy'))![1].statement as Statement[];
  const boundaryArn = 'arn:aws:iam::333344445555:policy/acme-prod-permissions-boundary';
  const bySid = (statements: Statement[], sid: string) => statements.find((s) => s.sid === sid)!;

  it('creates the boundary and the deploy policy outside the stack path', () => {
    expect(resourcesOf(out, 'aws_iam_policy').map((p) => [p.name, p.path])).toEqual([['acme-prod-permissions-boundary', undefined], ['acme-prod-deploy', undefined]]);
  });

  it('allows no * or iam:* on *, and IAM writes only under /stack/', () => {
    for (const statement of deploy) {
      expect(statement.effect ?? 'Allow').toBe('Allow');
      expect(statement.actions).not.toContain('*');
      expect(statement.actions).not.toContain('iam:*');
      const iamWrites = statement.actions.filter((a) => a.startsWith('iam:') && !/^iam:(Get|List)/.test(a) && a !== 'iam:CreateServiceLinkedRole');
      for (const resource of iamWrites.length > 0 ? statement.resources : []) expect(resource).toMatch(/^arn:aws:iam::333344445555:(role|instance-profile|policy)\/(stack|aws-service-role\/config\.amazonaws\.com)\/\*$/);
    }
  });

  it('lets the deploy create roles only with the boundary', () => {
    expect(bySid(deploy, 'CreateStackRolesWithTheBoundary')).toMatchObject({
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
      resources: ['arn:aws:iam::333344445555:role/stack/*'],
      condition: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [boundaryArn] }],
    });
  });

  it('has the boundary deny roles without it, removing boundaries, editing itself, users and administrator policies', () => {
    expect(bySid(boundary, 'DenyRolesWithoutThisBoundary')).toMatchObject({ effect: 'Deny', condition: [{ test: 'StringNotEquals', variable: 'iam:PermissionsBoundary', values: [boundaryArn] }] });
    expect(bySid(boundary, 'DenyRemovingBoundaries').actions).toContain('iam:DeleteRolePermissionsBoundary');
    expect(bySid(boundary, 'DenyChangingTheBoundaryAndDeployPolicy').resources).toEqual([boundaryArn, 'arn:aws:iam::333344445555:policy/acme-prod-deploy']);
    expect(bySid(boundary, 'DenyUsersGroupsAndKeys').actions).toEqual(expect.arrayContaining(['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile']));
    expect(bySid(boundary, 'DenyAdministratorPolicies').condition![0]!.values).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/IAMFullAccess']);
    expect(bySid(boundary, 'ProtectStateBucket').resources).toEqual(['arn:aws:s3:::acme-prod-tfstate-333344445555']);
  });

  it('refuses unscoped services', () => {
    for (const service of ['*', 'iam', 's3']) {
      expect(() => synth((scope) => new StackPermissions(scope, 'p', { name: 'acme-prod', accountId: '333344445555', stateBucketName: 'b', services: ['ec2', service] })))
        .toThrow(`StackPermissions services must not list ${service}`);
    }
  });
});

describe('stackRole', () => {
  it('gives roles in an environment stack the boundary and the /stack/ path', () => {
    const app = Testing.app();
    const stack = new EnvironmentStack(app, 'acme-prod-base', { project: 'acme', environment: 'prod', accountId: '333344445555', region: 'eu-west-1' });
    new Bastion(stack, 'bastion', { name: 'acme-prod', vpcId: 'vpc-1', privateSubnetIds: ['subnet-1'] });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.values(json.resource.aws_iam_role!)[0]).toMatchObject({ path: '/stack/', permissions_boundary: 'arn:aws:iam::333344445555:policy/acme-prod-permissions-boundary' });
    expect(Object.values(json.resource.aws_iam_instance_profile!)[0]).toMatchObject({ path: '/stack/' });
  });

  it('refuses to create a role where no boundary applies, naming the construct', () => {
    expect(() => Testing.synthScope((scope) => new Bastion(scope, 'bastion', { name: 'acme-prod', vpcId: 'vpc-1', privateSubnetIds: ['subnet-1'] })))
      .toThrow(/bastion: no permissions boundary for its IAM roles/);
  });

  it('is the only place that creates IAM roles and instance profiles', () => {
    const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
    const direct = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== 'stack-role.ts')
      .filter((file) => /new (IamRole|IamInstanceProfile)\(/.test(readFileSync(path.join(sourceDir, file), 'utf8')));
    expect(direct).toEqual([]);
  });
});
