import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { Construct } from 'constructs';
import { policyDocument } from './policy-document.js';
import { ADMINISTRATOR_POLICY_ARNS } from './stack-permissions.js';
import { stackRole } from './stack-role.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubOidcProps {
  /** Name of the deploy role, e.g. `pingdummy-prod-deploy`. */
  readonly roleName: string;
  /** Repository allowed to deploy, as `owner/name`. */
  readonly repository: string;
  /**
   * GitHub environments whose jobs may assume the role (subject `repo:<owner/name>:environment:<name>`).
   * Protect them in GitHub: required reviewers, deployment branches limited to `main`.
   * @default []
   */
  readonly environments?: string[];
  /**
   * Branches whose jobs without an environment may assume the role (subject `repo:<owner/name>:ref:refs/heads/<branch>`).
   * @default []
   */
  readonly branches?: string[];
  /** Managed policies of the role, e.g. StackPermissions' deploy policy. AdministratorAccess and IAMFullAccess are refused. */
  readonly policyArns: string[];
  /**
   * ARN of an existing GitHub OIDC provider in the account (there can be only one).
   * @default - a new provider is created
   */
  readonly providerArn?: string;
}

/** GitHub environment and branch names: no wildcard, no `:` (which would forge another subject). */
const SUBJECT_PART = /^[\w./-]+$/;

/**
 * A role GitHub Actions assumes through OpenID Connect to deploy, without long-lived keys.
 * The trust policy pins the audience and exact subjects of one repository: its GitHub
 * environments and branches, never a wildcard (any branch, pull request or fork).
 * The role carries the permissions boundary of its scope (see `stackRole`).
 *
 * @example
 * new GithubOidc(this, 'github', {
 *   roleName: 'pingdummy-prod-deploy', repository: 'acme/pingdummy',
 *   environments: ['prod'], branches: ['main'], policyArns: [permissions.deployPolicyArn],
 * });
 * // workflow: aws-actions/configure-aws-credentials with role-to-assume: <roleArn>
 */
export class GithubOidc extends Construct {
  /** ARN of the deploy role. */
  public readonly roleArn: string;
  /** ARN of the OIDC provider. */
  public readonly providerArn: string;
  /** The `sub` values the trust policy accepts. */
  public readonly subjects: string[];

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    const environments = props.environments ?? [];
    const branches = props.branches ?? [];
    if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository)) throw new Error(`GithubOidc repository "${props.repository}" must be owner/name`);
    if (environments.length + branches.length === 0) throw new Error('GithubOidc needs environments or branches (e.g. environments: [\'prod\']): no job could assume the role');
    const invalid = [...environments, ...branches].filter((name) => !SUBJECT_PART.test(name));
    if (invalid.length > 0) throw new Error(`GithubOidc environments/branches ${invalid.map((n) => `"${n}"`).join(', ')} must be exact names (letters, digits, . _ - /): no wildcard or ':'`);
    const admin = props.policyArns.filter((arn) => (ADMINISTRATOR_POLICY_ARNS as readonly string[]).includes(arn));
    if (admin.length > 0) throw new Error(`GithubOidc policyArns must not include ${admin.join(', ')}: use the deploy policy of StackPermissions`);

    this.subjects = [
      ...environments.map((environment) => `repo:${props.repository}:environment:${environment}`),
      ...branches.map((branch) => `repo:${props.repository}:ref:refs/heads/${branch}`),
    ];
    this.providerArn = props.providerArn ?? new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
      // AWS no longer checks thumbprints for GitHub, but the API still wants one.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    }).arn;

    const trust = policyDocument(this, 'trust', [
      {
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [this.providerArn] }],
        condition: [
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: ['sts.amazonaws.com'] },
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:sub`, values: this.subjects },
        ],
      },
    ]);
    const role = stackRole(this, 'role', { name: props.roleName, assumeRolePolicy: trust.json, maxSessionDuration: 3600 });
    props.policyArns.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `policy-${i}`, { role: role.name, policyArn }));
    this.roleArn = role.arn;
  }
}
