import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy/index.js';
import { IamGroupPolicy } from '@cdktf/provider-aws/lib/iam-group-policy/index.js';
import { IamGroup } from '@cdktf/provider-aws/lib/iam-group/index.js';
import { Construct } from 'constructs';
import { policyDocument } from './policy-document.js';

/** An environment account people may step into from the ops account. */
export interface EnvironmentAccount {
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** 12-digit ID of the environment's AWS account. */
  readonly accountId: string;
}

export interface AccountsProps {
  /** Environment accounts (stage, prod...). */
  readonly environments: EnvironmentAccount[];
  /**
   * Roles of each environment account a group may assume (created there by EnvironmentRoles).
   * @default ['admin', 'readonly']
   */
  readonly roles?: string[];
  /**
   * Require MFA to assume environment roles.
   * @default true
   */
  readonly requireMfa?: boolean;
}

/** Name of the role an environment account exposes to the ops account. */
export function environmentRoleName(environment: string, role: string): string {
  return `${environment}-${role}`;
}

/**
 * The ops account, where people have IAM users: one group per environment and role
 * (`prod-admin`, `stage-readonly`...) whose members may assume the matching role in the
 * environment's account, with MFA. Pair it with EnvironmentRoles in each environment account.
 *
 * @example
 * new Accounts(this, 'accounts', {
 *   environments: [{ environment: 'stage', accountId: '222233334444' }, { environment: 'prod', accountId: '333344445555' }],
 * });
 */
export class Accounts extends Construct {
  /** Group name by `<environment>-<role>`. */
  public readonly groupNames: Record<string, string>;
  /** ARNs of the environment roles the groups may assume, by `<environment>-<role>`. */
  public readonly assumableRoleArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: AccountsProps) {
    super(scope, id);
    const roles = props.roles ?? ['admin', 'readonly'];
    const requireMfa = props.requireMfa ?? true;
    for (const env of props.environments) {
      if (!/^\d{12}$/.test(env.accountId)) throw new Error(`Accounts environment "${env.environment}": accountId "${env.accountId}" must be a 12-digit AWS account ID`);
    }

    new IamAccountPasswordPolicy(this, 'password-policy', {
      minimumPasswordLength: 14,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      passwordReusePrevention: 24,
      maxPasswordAge: 0,
    });

    this.groupNames = {};
    this.assumableRoleArns = {};
    for (const env of props.environments) {
      for (const role of roles) {
        const key = environmentRoleName(env.environment, role);
        const roleArn = `arn:aws:iam::${env.accountId}:role/${key}`;
        const group = new IamGroup(this, `${key}-group`, { name: key, path: '/environments/' });
        new IamGroupPolicy(this, `${key}-assume`, {
          group: group.name,
          name: `assume-${key}`,
          policy: policyDocument(this, `${key}-assume-document`, [
            {
              sid: 'AssumeEnvironmentRole',
              actions: ['sts:AssumeRole', 'sts:TagSession'],
              resources: [roleArn],
              condition: requireMfa ? [{ test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] }] : undefined,
            },
          ]).json,
        });
        this.groupNames[key] = group.name;
        this.assumableRoleArns[key] = roleArn;
      }
    }
  }
}
