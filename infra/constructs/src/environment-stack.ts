import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { permissionsBoundaryArn } from './stack-permissions.js';
import { applyRoleBoundary } from './stack-role.js';

/** Where a stack keeps its Terraform state. */
export type StateLocation =
  | { readonly type: 'local' }
  | { readonly type: 's3'; readonly bucket: string; readonly region?: string };

/** What every stack of an environment shares. */
export interface EnvironmentStackProps {
  /** Project name, the `project` tag and the prefix of names, e.g. `pingdummy`. */
  readonly project: string;
  /** Environment name, the `environment` tag, e.g. `prod`. */
  readonly environment: string;
  /** 12-digit AWS account of the environment; the provider refuses to touch any other. */
  readonly accountId: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Which part of the environment the stack holds (`base`, `data`, `app`), the `service` tag
   * and the state key.
   * @default 'base'
   */
  readonly part?: string;
  /**
   * Where the state lives.
   * @default { type: 's3', bucket: `${project}-${environment}-tfstate-${accountId}` } with S3-native locking
   */
  readonly state?: StateLocation;
  /**
   * Extra tags on every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * Permissions boundary every IAM role of the stack carries (roles live under `/stack/`).
   * @default - `<project>-<environment>-permissions-boundary` of the account, created by StackPermissions in the bootstrap stack
   */
  readonly permissionsBoundaryArn?: string;
}

/** The default state bucket name of an environment. */
export function defaultStateBucket(project: string, environment: string, accountId: string): string {
  return `${project}-${environment}-tfstate-${accountId}`;
}

/**
 * A Terraform stack of one environment: the AWS provider pinned to the environment's account and
 * region with default tags (`project`, `environment`, `service`), and its own state file
 * (`<project>/<environment>/<part>.tfstate`) in S3 with S3-native locking. Every IAM role created
 * inside carries the environment's permissions boundary and lives under `/stack/` (see `stackRole`).
 *
 * @example
 * const data = new EnvironmentStack(app, 'pingdummy-prod-data', { project: 'pingdummy', environment: 'prod', accountId, region, part: 'data' });
 */
export class EnvironmentStack extends TerraformStack {
  /** Project name. */
  public readonly project: string;
  /** Environment name. */
  public readonly environment: string;
  /** AWS account ID. */
  public readonly accountId: string;
  /** AWS region. */
  public readonly region: string;
  /** Part of the environment this stack holds. */
  public readonly part: string;
  /** `<project>-<environment>`, the prefix of resource names. */
  public readonly namePrefix: string;
  /** The AWS provider. */
  public readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const part = props.part ?? 'base';
    const state = props.state ?? { type: 's3', bucket: defaultStateBucket(props.project, props.environment, props.accountId) };
    const tags = props.tags ?? {};
    assertResourceName('project', props.project);
    assertResourceName('environment', props.environment);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`accountId "${props.accountId}" of ${id} must be a 12-digit AWS account ID`);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) throw new Error(`region "${props.region}" of ${id} is not an AWS region such as eu-west-1`);

    this.project = props.project;
    this.environment = props.environment;
    this.accountId = props.accountId;
    this.region = props.region;
    this.part = part;
    this.namePrefix = `${props.project}-${props.environment}`;
    applyRoleBoundary(this, { permissionsBoundaryArn: props.permissionsBoundaryArn ?? permissionsBoundaryArn(props.accountId, this.namePrefix) });

    this.provider = new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { ...tags, project: props.project, environment: props.environment, service: part } }],
    });

    if (state.type === 'local') {
      new LocalBackend(this, { path: `${id}.tfstate` });
    } else {
      new S3Backend(this, {
        bucket: state.bucket,
        key: `${props.project}/${props.environment}/${part}.tfstate`,
        region: state.region ?? props.region,
        encrypt: true,
      });
      // S3-native state locking (Terraform >= 1.10): no DynamoDB table. The typed config predates it.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
  }
}
