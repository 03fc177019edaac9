import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { policyDocument } from './policy-document.js';
import { STACK_IAM_PATH } from './stack-role.js';

/** AWS services the stacks manage (and the roles they create may use): `<service>:*` in the deploy policy and the boundary. */
export const STACK_SERVICES = [
  'acm', 'application-autoscaling', 'autoscaling', 'cloudtrail', 'cloudwatch', 'config', 'ec2', 'ec2messages', 'ecr', 'ecs',
  'elasticloadbalancing', 'fis', 'guardduty', 'kms', 'logs', 'rds', 'rds-db', 'route53', 'secretsmanager', 'sns', 'ssm',
  'ssmmessages', 'tag', 'wafv2',
] as const;

/** Services whose service-linked roles the deploy may create (they exist once per account and need no boundary). */
export const STACK_SERVICE_LINKED_ROLES = [
  'autoscaling.amazonaws.com', 'config.amazonaws.com', 'ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com',
  'elasticloadbalancing.amazonaws.com', 'guardduty.amazonaws.com', 'malware-protection.guardduty.amazonaws.com', 'rds.amazonaws.com',
] as const;

/** Managed policies that make their holder an administrator: never attached by the stacks, denied by the boundary. */
export const ADMINISTRATOR_POLICY_ARNS = ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'] as const;

/** Name of the permissions boundary of an environment (`<project>-<environment>-permissions-boundary`). */
export function permissionsBoundaryName(namePrefix: string): string {
  return `${namePrefix}-permissions-boundary`;
}

/** ARN of the permissions boundary of an environment, built from names so it is known at plan time. */
export function permissionsBoundaryArn(accountId: string, namePrefix: string): string {
  return `arn:aws:iam::${accountId}:policy/${permissionsBoundaryName(namePrefix)}`;
}

export interface StackPermissionsProps {
  /** Prefix of the policy names and of the buckets the stacks own, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** 12-digit AWS account of the environment. */
  readonly accountId: string;
  /** State bucket: its objects may be read and written, its settings not changed. */
  readonly stateBucketName: string;
  /**
   * Services managed with `<service>:*` on any resource.
   * @default STACK_SERVICES
   */
  readonly services?: string[];
  /**
   * Services whose service-linked roles may be created.
   * @default STACK_SERVICE_LINKED_ROLES
   */
  readonly serviceLinkedRoles?: string[];
}

/**
 * What deploying the stacks may do, as two managed policies outside the stacks' IAM path (so
 * no deploy can change them):
 *
 * - the deploy policy (`<name>-deploy`): the stacks' services, IAM roles, instance profiles and
 *   policies only under `/stack/`, roles created only with the boundary, the buckets named
 *   `<name>-*` (the state bucket's objects included), the account's S3 public access block;
 * - the permissions boundary (`<name>-permissions-boundary`), the most any role of the
 *   environment may ever do, carried by every role (the deploy role too): the same allowances,
 *   and denials of roles without this boundary, of removing or editing boundaries and these two
 *   policies, of IAM users, groups and access keys, of attaching AdministratorAccess or
 *   IAMFullAccess, and of changing the state bucket's settings.
 *
 * A role passed down can therefore never grant more than the boundary: no path to an administrator.
 *
 * @example
 * const permissions = new StackPermissions(this, 'permissions', { name: 'pingdummy-prod', accountId, stateBucketName });
 * applyRoleBoundary(this, { permissionsBoundaryArn: permissions.permissionsBoundaryArn, path: '/' });
 */
export class StackPermissions extends Construct {
  /** ARN of the permissions boundary. */
  public readonly permissionsBoundaryArn: string;
  /** Name of the permissions boundary. */
  public readonly permissionsBoundaryName: string;
  /** ARN of the deploy policy (attach it to the deploy role and the environment's admin role). */
  public readonly deployPolicyArn: string;

  constructor(scope: Construct, id: string, props: StackPermissionsProps) {
    super(scope, id);
    const services = props.services ?? [...STACK_SERVICES];
    const serviceLinkedRoles = props.serviceLinkedRoles ?? [...STACK_SERVICE_LINKED_ROLES];
    assertResourceName('StackPermissions name', props.name);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`StackPermissions accountId "${props.accountId}" must be a 12-digit AWS account ID`);
    const unscoped = services.filter((s) => s === '*' || s === 'iam' || s === 's3' || !/^[a-z0-9-]+$/.test(s));
    if (unscoped.length > 0) throw new Error(`StackPermissions services must not list ${unscoped.join(', ')}: IAM and S3 are scoped by path and bucket name`);

    const boundaryName = permissionsBoundaryName(props.name);
    const boundaryArn = permissionsBoundaryArn(props.accountId, props.name);
    const deployPolicyName = `${props.name}-deploy`;
    const deployPolicyArn = `arn:aws:iam::${props.accountId}:policy/${deployPolicyName}`;
    const under = (kind: string) => `arn:aws:iam::${props.accountId}:${kind}${STACK_IAM_PATH}*`;
    const stateBucketArn = `arn:aws:s3:::${props.stateBucketName}`;
    const stackBuckets = `arn:aws:s3:::${props.name}-*`;

    const allowed: DataAwsIamPolicyDocumentStatement[] = [
      { sid: 'ManageStackServices', actions: services.map((s) => `${s}:*`), resources: ['*'] },
      { sid: 'ReadIam', actions: ['iam:Get*', 'iam:List*'], resources: ['*'] },
      {
        sid: 'ManageStackRoles',
        actions: [
          'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
          'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PassRole',
        ],
        resources: [under('role')],
      },
      {
        sid: 'CreateStackRolesWithTheBoundary',
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        resources: [under('role')],
        condition: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [boundaryArn] }],
      },
      {
        sid: 'ManageStackInstanceProfiles',
        actions: [
          'iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile',
          'iam:TagInstanceProfile', 'iam:UntagInstanceProfile',
        ],
        resources: [under('instance-profile')],
      },
      {
        sid: 'ManageStackPolicies',
        actions: ['iam:CreatePolicy', 'iam:DeletePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy'],
        resources: [under('policy')],
      },
      {
        sid: 'CreateServiceLinkedRoles',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 'iam:AWSServiceName', values: serviceLinkedRoles }],
      },
      {
        // AWS Config records through its service-linked role, which the recorder is given.
        sid: 'PassConfigServiceLinkedRole',
        actions: ['iam:PassRole'],
        resources: [`arn:aws:iam::${props.accountId}:role/aws-service-role/config.amazonaws.com/*`],
      },
      { sid: 'ManageStackBuckets', actions: ['s3:*'], resources: [stackBuckets, `${stackBuckets}/*`] },
      { sid: 'AccountS3Settings', actions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock', 's3:ListAllMyBuckets'], resources: ['*'] },
    ];

    const denied: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: 'DenyRolesWithoutThisBoundary',
        effect: 'Deny',
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        resources: ['*'],
        condition: [{ test: 'StringNotEquals', variable: 'iam:PermissionsBoundary', values: [boundaryArn] }],
      },
      {
        sid: 'DenyRemovingBoundaries',
        effect: 'Deny',
        actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
        resources: ['*'],
      },
      {
        sid: 'DenyChangingTheBoundaryAndDeployPolicy',
        effect: 'Deny',
        actions: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
        resources: [boundaryArn, deployPolicyArn],
      },
      {
        sid: 'DenyUsersGroupsAndKeys',
        effect: 'Deny',
        actions: [
          'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:AttachUserPolicy', 'iam:PutUserPolicy',
          'iam:CreateGroup', 'iam:AddUserToGroup', 'iam:AttachGroupPolicy', 'iam:PutGroupPolicy',
        ],
        resources: ['*'],
      },
      {
        sid: 'DenyAdministratorPolicies',
        effect: 'Deny',
        actions: ['iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:AttachGroupPolicy'],
        resources: ['*'],
        condition: [{ test: 'ArnEquals', variable: 'iam:PolicyARN', values: [...ADMINISTRATOR_POLICY_ARNS] }],
      },
      {
        sid: 'ProtectStateBucket',
        effect: 'Deny',
        actions: [
          's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
          's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock',
        ],
        resources: [stateBucketArn],
      },
    ];

    const boundary = new IamPolicy(this, 'boundary', {
      name: boundaryName,
      description: `Permissions boundary of every role of ${props.name}`,
      policy: policyDocument(this, 'boundary-document', [...allowed, ...denied]).json,
    });
    const deploy = new IamPolicy(this, 'deploy', {
      name: deployPolicyName,
      description: `What deploying ${props.name} may do`,
      policy: policyDocument(this, 'deploy-document', allowed).json,
    });
    this.permissionsBoundaryArn = boundary.arn;
    this.permissionsBoundaryName = boundary.name;
    this.deployPolicyArn = deploy.arn;
  }
}
