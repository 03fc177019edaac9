import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { Construct } from 'constructs';
import { policyDocument } from './policy-document.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubOidcProps {
  /** Name of the deploy role, e.g. `pingdummy-prod-deploy`. */
  readonly roleName: string;
  /** Repository allowed to deploy, as `owner/name`. */
  readonly repository: string;
  /** Subjects whose workflows may assume the role, e.g. `['environment:prod']` or `['ref:refs/heads/main']`. */
  readonly subjects: string[];
  /**
   * Managed policies of the deploy role.
   * @default ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/IAMFullAccess']
   */
  readonly policyArns?: string[];
  /**
   * ARN of an existing GitHub OIDC provider in the account (there can be only one).
   * @default - a new provider is created
   */
  readonly providerArn?: string;
}

/**
 * A role GitHub Actions assumes through OpenID Connect to deploy, without long-lived keys.
 * The trust policy pins the audience and the repository's subjects.
 *
 * @example
 * new GithubOidc(this, 'github', { roleName: 'pingdummy-prod-deploy', repository: 'acme/pingdummy', subjects: ['environment:prod'] });
 * // workflow: aws-actions/configure-aws-credentials with role-to-assume: <roleArn>
 */
export class GithubOidc extends Construct {
  /** ARN of the deploy role. */
  public readonly roleArn: string;
  /** ARN of the OIDC provider. */
  public readonly providerArn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    const policyArns = props.policyArns ?? ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'];
    if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository)) throw new Error(`GithubOidc repository "${props.repository}" must be owner/name`);
    if (props.subjects.length === 0) throw new Error('GithubOidc subjects must list at least one subject (e.g. environment:prod)');
    if (props.subjects.some((s) => s.includes('*'))) throw new Error('GithubOidc subjects must not contain wildcards: any branch or fork could deploy');

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
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:sub`, values: props.subjects.map((s) => `repo:${props.repository}:${s}`) },
        ],
      },
    ]);
    const role = new IamRole(this, 'role', { name: props.roleName, assumeRolePolicy: trust.json, maxSessionDuration: 3600 });
    policyArns.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `policy-${i}`, { role: role.name, policyArn }));
    this.roleArn = role.arn;
  }
}
