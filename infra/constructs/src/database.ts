import { DbInstance } from '@cdktf/provider-aws/lib/db-instance/index.js';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group/index.js';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group/index.js';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { ContainerSecret } from './ecs-workload.js';
import { assertResourceName } from './naming.js';

export interface DatabaseProps {
  /** Instance identifier, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** Private subnets of the database (at least two zones). */
  readonly subnetIds: string[];
  /** Security group of the database. */
  readonly securityGroupId: string;
  /**
   * Name of the database created in the instance.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * Master user name, for administrators only; its password is generated and rotated by RDS in
   * Secrets Manager.
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /**
   * The application's own login role, authenticated with IAM tokens (`rds_iam`), created once by
   * `npm run create-app-role -w @pingdummy/shared` as the master user (README, "First deploy").
   * @default 'app'
   */
  readonly appUsername?: string;
  /**
   * Major Postgres version; the parameter group family follows it.
   * @default '17'
   */
  readonly engineVersion?: string;
  /**
   * Instance class.
   * @default 'db.t4g.micro'
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage, in GiB.
   * @default 20
   */
  readonly allocatedStorage?: number;
  /**
   * Ceiling of storage autoscaling, in GiB.
   * @default 100
   */
  readonly maxAllocatedStorage?: number;
  /**
   * Keep a standby in another zone.
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Days of automated backups (7 at least).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Production protections: deletion protection, `prevent_destroy`, a final snapshot.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Log statements slower than this many milliseconds.
   * @default 500
   */
  readonly slowQueryMilliseconds?: number;
  /**
   * `sslmode` of `DATABASE_URL`. The server refuses plain connections either way (`rds.force_ssl`);
   * `verify-full` also checks the server certificate and needs the RDS CA bundle in the images
   * (`NODE_EXTRA_CA_CERTS`).
   * @default 'no-verify'
   */
  readonly sslMode?: 'no-verify' | 'verify-full';
}

/**
 * RDS for PostgreSQL: private, encrypted, TLS enforced (`rds.force_ssl`), IAM database
 * authentication, master password managed (and rotated) by RDS in Secrets Manager for
 * administrators, logs exported to CloudWatch, Performance Insights, 7+ days of backups;
 * multi-AZ, deletion protection and `prevent_destroy` when asked (production).
 *
 * Services connect as their own role (`appUsername`) with IAM tokens: they get `DATABASE_URL`
 * (host, port, user, database, `sslmode`, no password) as a secret, `DATABASE_IAM_AUTH=true` in
 * their environment and `connectStatement` in their task role, and sign a 15-minute token per new
 * connection. Nothing expires under a running task: the RDS-rotated master password is never
 * handed to them.
 *
 * @example
 * const database = new Database(this, 'database', {
 *   name: 'pingdummy-prod', subnetIds: network.privateSubnetIds, securityGroupId: groups.databaseId,
 *   instanceClass: 'db.m7g.large', multiAz: true, backupRetentionDays: 14, protect: true,
 * });
 * // Service({ secrets: database.connectionSecrets })
 */
export class Database extends Construct {
  /** The RDS instance. */
  public readonly instance: DbInstance;
  /** ARN of the instance. */
  public readonly instanceArn: string;
  /** Identifier of the instance (CloudWatch dimension). */
  public readonly instanceIdentifier: string;
  /** Host name of the instance. */
  public readonly address: string;
  /** Port of the instance. */
  public readonly port: number;
  /** Name of the application database. */
  public readonly databaseName: string;
  /** ARN of the RDS-managed secret holding the master user name and password (administrators only). */
  public readonly masterUserSecretArn: string;
  /** ARN of the secret holding `DATABASE_URL` (without password). */
  public readonly databaseUrlSecretArn: string;
  /** Name of the application's role. */
  public readonly appUsername: string;
  /** `DATABASE_URL`, ready for a service's `secrets`. */
  public readonly connectionSecrets: Record<string, ContainerSecret>;
  /** `DATABASE_IAM_AUTH=true`, ready for a service's `environment`. */
  public readonly connectionEnvironment: Record<string, string>;
  /** `rds-db:connect` as the application's role, ready for a service's `taskRoleStatements`. */
  public readonly connectStatement: DataAwsIamPolicyDocumentStatement;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const databaseName = props.databaseName ?? 'app';
    const masterUsername = props.masterUsername ?? 'dbadmin';
    const appUsername = props.appUsername ?? 'app';
    const engineVersion = props.engineVersion ?? '17';
    const instanceClass = props.instanceClass ?? 'db.t4g.micro';
    const allocatedStorage = props.allocatedStorage ?? 20;
    const maxAllocatedStorage = props.maxAllocatedStorage ?? 100;
    const multiAz = props.multiAz ?? false;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const protect = props.protect ?? false;
    const slowQueryMilliseconds = props.slowQueryMilliseconds ?? 500;
    const sslMode = props.sslMode ?? 'no-verify';

    assertResourceName('Database name', props.name);
    if (backupRetentionDays < 7 || backupRetentionDays > 35) throw new Error(`Database backupRetentionDays (${backupRetentionDays}) must be between 7 and 35`);
    if (props.subnetIds.length < 2) throw new Error('Database subnetIds must span at least two availability zones (RDS requires it)');
    if (maxAllocatedStorage < allocatedStorage) throw new Error(`Database maxAllocatedStorage (${maxAllocatedStorage}) must be at least allocatedStorage (${allocatedStorage})`);
    if (masterUsername === appUsername) throw new Error(`Database appUsername "${appUsername}" must differ from masterUsername: the application never logs in as the master user, whose password RDS rotates`);
    const major = engineVersion.split('.')[0];

    const subnetGroup = new DbSubnetGroup(this, 'subnet-group', { name: props.name, subnetIds: props.subnetIds });
    const parameterGroup = new DbParameterGroup(this, 'parameters', {
      name: `${props.name}-postgres${major}`,
      family: `postgres${major}`,
      parameter: [
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_min_duration_statement', value: String(slowQueryMilliseconds) },
        { name: 'log_connections', value: '1' },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    this.instance = new DbInstance(this, 'instance', {
      identifier: props.name,
      engine: 'postgres',
      engineVersion,
      instanceClass,
      dbName: databaseName,
      username: masterUsername,
      manageMasterUserPassword: true,
      iamDatabaseAuthenticationEnabled: true,
      allocatedStorage,
      maxAllocatedStorage,
      storageType: 'gp3',
      storageEncrypted: true,
      multiAz,
      publiclyAccessible: false,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [props.securityGroupId],
      parameterGroupName: parameterGroup.name,
      backupRetentionPeriod: backupRetentionDays,
      backupWindow: '03:00-04:00',
      maintenanceWindow: 'sun:04:30-sun:05:30',
      copyTagsToSnapshot: true,
      deletionProtection: protect,
      skipFinalSnapshot: !protect,
      finalSnapshotIdentifier: protect ? `${props.name}-final` : undefined,
      enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 7,
      autoMinorVersionUpgrade: true,
      applyImmediately: !protect,
      lifecycle: { preventDestroy: protect },
    });
    this.instanceArn = this.instance.arn;
    this.instanceIdentifier = this.instance.identifier;
    this.address = this.instance.address;
    this.port = 5432;
    this.databaseName = databaseName;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;

    const urlSecret = new SecretsmanagerSecret(this, 'database-url', {
      name: `${props.name}/database-url`,
      description: `DATABASE_URL of ${props.name} for the ${appUsername} role, without password (IAM tokens)`,
      recoveryWindowInDays: protect ? 30 : 0,
    });
    new SecretsmanagerSecretVersion(this, 'database-url-value', {
      secretId: urlSecret.id,
      secretString: `postgres://${appUsername}@${this.instance.address}:${this.port}/${databaseName}?sslmode=${sslMode}`,
    });
    this.databaseUrlSecretArn = urlSecret.arn;
    this.appUsername = appUsername;
    this.connectionSecrets = { DATABASE_URL: { arn: urlSecret.arn } };
    this.connectionEnvironment = { DATABASE_IAM_AUTH: 'true' };
    // arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>, region and account from the instance ARN.
    const arnPart = (index: number) => Fn.element(Fn.split(':', this.instance.arn), index);
    this.connectStatement = {
      sid: 'ConnectToDatabaseWithIam',
      actions: ['rds-db:connect'],
      resources: [`arn:aws:rds-db:${arnPart(3)}:${arnPart(4)}:dbuser:${this.instance.resourceId}/${appUsername}`],
    };
  }
}
