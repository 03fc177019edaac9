import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { Construct } from 'constructs';
import { environmentRoleName } from './accounts.js';
import { policyDocument } from './policy-document.js';
import { ADMINISTRATOR_POLICY_ARNS } from './stack-permissions.js';
import { stackRole } from './stack-role.js';

export const READ_ONLY_ACCESS_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

export interface EnvironmentRolesProps {
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** 12-digit ID of the ops account whose principals may assume the roles. */
  readonly opsAccountId: string;
  /** ARN of the deploy policy (StackPermissions), the admin role's power. */
  readonly deployPolicyArn: string;
  /**
   * Managed policies per role name. AdministratorAccess and IAMFullAccess are refused.
   * @default { admin: [deployPolicyArn, READ_ONLY_ACCESS_ARN], readonly: [READ_ONLY_ACCESS_ARN] }
   */
  readonly roles?: Record<string, string[]>;
  /**
   * Require MFA in the trust policy.
   * @default true
   */
  readonly requireMfa?: boolean;
  /**
   * Longest session, in seconds.
   * @default 3600
   */
  readonly maxSessionSeconds?: number;
}

/**
 * The environment-account side of Accounts: roles (`<env>-admin`, `<env>-readonly`) that trust
 * only the ops account's principals, with MFA. The admin role may do what a deploy does (the
 * deploy policy) and read everything; like every role, it carries the permissions boundary of
 * its scope, so it cannot create an administrator. Changing the bootstrap itself (boundary,
 * deploy policy, these roles) takes an account administrator.
 *
 * @example
 * new EnvironmentRoles(this, 'roles', { environment: 'prod', opsAccountId: '111122223333', deployPolicyArn: permissions.deployPolicyArn });
 */
export class EnvironmentRoles extends Construct {
  /** Role ARN by role name (`admin`, `readonly`). */
  public readonly roleArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: EnvironmentRolesProps) {
    super(scope, id);
    const roles = props.roles ?? {
      admin: [props.deployPolicyArn, READ_ONLY_ACCESS_ARN],
      readonly: [READ_ONLY_ACCESS_ARN],
    };
    const requireMfa = props.requireMfa ?? true;
    const maxSessionSeconds = props.maxSessionSeconds ?? 3600;
    if (!/^\d{12}$/.test(props.opsAccountId)) throw new Error(`EnvironmentRoles opsAccountId "${props.opsAccountId}" must be a 12-digit AWS account ID`);
    for (const [role, policyArns] of Object.entries(roles)) {
      const admin = policyArns.filter((arn) => (ADMINISTRATOR_POLICY_ARNS as readonly string[]).includes(arn));
      if (admin.length > 0) throw new Error(`EnvironmentRoles roles.${role} must not include ${admin.join(', ')}: use the deploy policy of StackPermissions`);
    }

    const trust = policyDocument(this, 'trust', [
      {
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.opsAccountId}:root`] }],
        condition: requireMfa ? [{ test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] }] : undefined,
      },
    ]);
    this.roleArns = {};
    for (const [role, policyArns] of Object.entries(roles)) {
      const name = environmentRoleName(props.environment, role);
      const created = stackRole(this, role, { name, assumeRolePolicy: trust.json, maxSessionDuration: maxSessionSeconds });
      policyArns.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `${role}-${i}`, { role: created.name, policyArn }));
      this.roleArns[role] = created.arn;
    }
  }
}
