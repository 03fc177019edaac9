import { App, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import type { Construct } from 'constructs';
import { Accounts, type EnvironmentAccount } from './accounts.js';
import { EnvironmentRoles } from './environment-roles.js';
import { defaultStateBucket } from './environment-stack.js';
import { GithubOidc } from './github-oidc.js';
import { PingdummyStack, type PingdummyStackProps } from './pingdummy-stack.js';
import { StackPermissions } from './stack-permissions.js';
import { applyRoleBoundary } from './stack-role.js';
import { StateBackend } from './state-backend.js';

/** The configuration file of one environment (`infra/<env>/config.ts`). */
export interface PingdummyEnvironment extends Omit<PingdummyStackProps, 'imageTag'> {
  /** 12-digit ID of the ops account people log in to. */
  readonly opsAccountId: string;
  /** GitHub repository (`owner/name`) whose `<environment>` GitHub environment may deploy. */
  readonly githubRepository: string;
  /**
   * Branches whose GitHub Actions jobs may assume the deploy role without the GitHub environment
   * (and so without its reviewers); `[]` leaves the environment as the only way in.
   * @default ['main']
   */
  readonly githubBranches?: string[];
  /**
   * Where the bootstrap stack keeps its state: `local` for the first apply (the bucket does not
   * exist yet), then `s3` (in the bucket it created) once migrated with `terraform init
   * -migrate-state` (README, "First deploy").
   * @default 'local'
   */
  readonly bootstrapStateBackend?: StateBackendKind;
}

/** Local state (before the state bucket exists) or the state bucket. */
export type StateBackendKind = 'local' | 's3';

/**
 * State of the stacks applied by hand before any bucket exists (bootstrap, ops). `local`: in
 * `infra/<env>/.state/` (git-ignored), outside `cdktf.out/`, which is safe to delete. `s3`: in the
 * bucket the stack itself creates, key `<project>/<environment>/<part>.tfstate`, S3-native locking;
 * switching the config from `local` to `s3` and running `terraform init -migrate-state` moves it.
 */
function bootstrapState(stack: TerraformStack, name: string, kind: StateBackendKind, s3: { bucket: string; key: string; region: string }): void {
  if (kind === 'local') {
    new LocalBackend(stack, { path: `../../../.state/${name}.tfstate` });
    return;
  }
  new S3Backend(stack, { bucket: s3.bucket, key: s3.key, region: s3.region, encrypt: true });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}

/** A new cdktf App; stack traces in metadata are off, which halves synth time. */
export function createApp(): App {
  return new App({ stackTraces: false });
}

/**
 * The stacks of one environment:
 * - `<name>-<env>-bootstrap` (local state, applied once by an administrator): the state bucket,
 *   the deploy policy and permissions boundary (StackPermissions), the roles the ops account
 *   assumes, the GitHub Actions deploy role;
 * - `<name>-<env>-base`, `-data`, `-app`: PingdummyStack.
 */
export function definePingdummyEnvironment(app: Construct, config: PingdummyEnvironment & { readonly imageTag: string }): PingdummyStack {
  const bootstrapName = `${config.name}-${config.environment}-bootstrap`;
  const bootstrap = new TerraformStack(app, bootstrapName);
  const stateBucket = defaultStateBucket(config.name, config.environment, config.accountId);
  bootstrapState(bootstrap, bootstrapName, config.bootstrapStateBackend ?? 'local', {
    bucket: stateBucket,
    key: `${config.name}/${config.environment}/bootstrap.tfstate`,
    region: config.region,
  });
  new AwsProvider(bootstrap, 'aws', {
    region: config.region,
    allowedAccountIds: [config.accountId],
    defaultTags: [{ tags: { project: config.name, environment: config.environment, service: 'bootstrap' } }],
  });
  const state = new StateBackend(bootstrap, 'state', { bucketName: stateBucket });
  const permissions = new StackPermissions(bootstrap, 'permissions', {
    name: `${config.name}-${config.environment}`,
    accountId: config.accountId,
    stateBucketName: stateBucket,
  });
  // The bootstrap's own roles stay outside STACK_IAM_PATH: no deploy may change them. They carry the boundary too.
  applyRoleBoundary(bootstrap, { permissionsBoundaryArn: permissions.permissionsBoundaryArn, path: '/' });
  const roles = new EnvironmentRoles(bootstrap, 'roles', {
    environment: config.environment,
    opsAccountId: config.opsAccountId,
    deployPolicyArn: permissions.deployPolicyArn,
  });
  const github = new GithubOidc(bootstrap, 'github', {
    roleName: `${config.name}-${config.environment}-deploy`,
    repository: config.githubRepository,
    environments: [config.environment],
    branches: config.githubBranches ?? ['main'],
    policyArns: [permissions.deployPolicyArn],
  });
  new TerraformOutput(bootstrap, 'state_bucket', { value: state.bucketName });
  new TerraformOutput(bootstrap, 'deploy_role_arn', { value: github.roleArn });
  new TerraformOutput(bootstrap, 'role_arns', { value: roles.roleArns });
  new TerraformOutput(bootstrap, 'permissions_boundary_arn', { value: permissions.permissionsBoundaryArn });
  new TerraformOutput(bootstrap, 'deploy_policy_arn', { value: permissions.deployPolicyArn });

  return new PingdummyStack(app, config.name, config);
}

export interface OpsAccountProps {
  /** Project name. */
  readonly name: string;
  /** 12-digit ID of the ops account. */
  readonly accountId: string;
  /** Region of the ops account's state bucket. */
  readonly region: string;
  /** Environment accounts people may step into. */
  readonly environments: EnvironmentAccount[];
  /**
   * Where the ops stack keeps its state: `local` for the first apply, then `s3` (its own bucket,
   * key `<name>/ops/accounts.tfstate`) once migrated with `terraform init -migrate-state`.
   * @default 'local'
   */
  readonly stateBackend?: StateBackendKind;
}

/** The ops account (local state, applied by an administrator): groups per environment and its own state bucket. */
export function defineOpsAccount(app: Construct, props: OpsAccountProps): TerraformStack {
  const ops = new TerraformStack(app, `${props.name}-ops`);
  const opsBucket = defaultStateBucket(props.name, 'ops', props.accountId);
  bootstrapState(ops, `${props.name}-ops`, props.stateBackend ?? 'local', { bucket: opsBucket, key: `${props.name}/ops/accounts.tfstate`, region: props.region });
  new AwsProvider(ops, 'aws', {
    region: props.region,
    allowedAccountIds: [props.accountId],
    defaultTags: [{ tags: { project: props.name, environment: 'ops', service: 'accounts' } }],
  });
  const accounts = new Accounts(ops, 'accounts', { environments: props.environments });
  new StateBackend(ops, 'state', { bucketName: opsBucket });
  new TerraformOutput(ops, 'group_names', { value: accounts.groupNames });
  new TerraformOutput(ops, 'assumable_role_arns', { value: accounts.assumableRoleArns });
  return ops;
}
