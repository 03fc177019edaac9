import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { Construct } from 'constructs';
import { environmentRoleName } from './accounts.js';
import { policyDocument } from './policy-document.js';

export interface EnvironmentRolesProps {
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** 12-digit ID of the ops account whose principals may assume the roles. */
  readonly opsAccountId: string;
  /**
   * Managed policies per role name.
   * @default { admin: ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'], readonly: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }
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
 * only the ops account's principals, with MFA.
 *
 * @example
 * new EnvironmentRoles(this, 'roles', { environment: 'prod', opsAccountId: '111122223333' });
 */
export class EnvironmentRoles extends Construct {
  /** Role ARN by role name (`admin`, `readonly`). */
  public readonly roleArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: EnvironmentRolesProps) {
    super(scope, id);
    const roles = props.roles ?? {
      admin: ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'],
      readonly: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    };
    const requireMfa = props.requireMfa ?? true;
    const maxSessionSeconds = props.maxSessionSeconds ?? 3600;
    if (!/^\d{12}$/.test(props.opsAccountId)) throw new Error(`EnvironmentRoles opsAccountId "${props.opsAccountId}" must be a 12-digit AWS account ID`);

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
      const created = new IamRole(this, role, { name, assumeRolePolicy: trust.json, maxSessionDuration: maxSessionSeconds });
      policyArns.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `${role}-${i}`, { role: created.name, policyArn }));
      this.roleArns[role] = created.arn;
    }
  }
}
