import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Alarms, OVERDUE_CHECKS_METRIC } from './alarms.js';
import { assertTasksFitCluster } from './capacity.js';
import { Chaos } from './chaos.js';
import { Database } from './database.js';
import { EnvironmentStack } from './environment-stack.js';
import { assertImmutableImageTag } from './image-tag.js';
import { Service } from './service.js';
import { Stack, type StackProps } from './stack.js';
import { WebService } from './web-service.js';
import { Worker } from './worker.js';

/** Size and count of one Pingdummy service. */
export interface ServiceSize {
  /**
   * Number of tasks.
   * @default 2 (worker: 1)
   */
  readonly desiredCount?: number;
  /**
   * CPU units per task.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory per task, in MiB.
   * @default 512
   */
  readonly memory?: number;
  /**
   * Most tasks when scaling on CPU; above `desiredCount` turns auto scaling on.
   * @default - `desiredCount`: no auto scaling
   */
  readonly maxCount?: number;
}

/** The ECR repositories of Pingdummy's images, `<name>/<service>`. */
export function pingdummyRepositories(name: string): string[] {
  return ['frontend', 'beacon', 'worker'].map((service) => `${name}/${service}`);
}

/** Service options of a ServiceSize: fixed count, or auto scaling from desiredCount to maxCount. */
function sized(size: ServiceSize, defaultCount: number) {
  const desiredCount = size.desiredCount ?? defaultCount;
  const autoScaling = size.maxCount !== undefined && size.maxCount > desiredCount ? { minCount: desiredCount, maxCount: size.maxCount } : undefined;
  return { desiredCount, cpu: size.cpu, memory: size.memory, autoScaling };
}

/** Size and protection of the Pingdummy database. */
export interface DatabaseSize {
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
   * Standby in another zone.
   * @default - true when protected (production)
   */
  readonly multiAz?: boolean;
  /**
   * Days of backups.
   * @default - 14 when protected, 7 otherwise
   */
  readonly backupRetentionDays?: number;
}

export interface PingdummyStackProps extends StackProps {
  /** Project name, the prefix of every name. */
  readonly name: string;
  /** Public domain of the frontend, e.g. `pingdummy.example.com`. */
  readonly domainName: string;
  /** Tag of the images to deploy (the git SHA CI built); `latest` is refused. */
  readonly imageTag: string;
  /**
   * Existing ACM certificate of `domainName`.
   * @default - a new certificate, DNS-validated in the public zone
   */
  readonly certificateArn?: string;
  /**
   * Region name the beacon reports (`PGDUMMY_REGION`).
   * @default - the AWS region
   */
  readonly beaconRegion?: string;
  /** @default {} */
  readonly frontend?: ServiceSize;
  /** @default {} */
  readonly beacon?: ServiceSize;
  /** @default {} */
  readonly worker?: ServiceSize;
  /** @default {} */
  readonly database?: DatabaseSize;
  /**
   * Add the AWS FIS experiment templates.
   * @default true
   */
  readonly chaos?: boolean;
}

/**
 * Pingdummy in three Terraform stacks with separate states, joined by cross-stack references:
 *
 * - `<name>-<env>-base`: the Stack (network, cluster, DNS, registry...), changed rarely;
 * - `<name>-<env>-data`: the database and the application secrets, protected in production;
 * - `<name>-<env>-app`: beacon (Service), worker (Worker), frontend (WebService), alarms, chaos.
 *
 * Deploying the app stack reads the other two through remote state and cannot change them.
 *
 * @example
 * new PingdummyStack(app, 'pingdummy', {
 *   name: 'pingdummy', environment: 'prod', accountId: '333344445555', region: 'eu-west-1',
 *   domainName: 'pingdummy.example.com', imageTag: resolveImageTag(),
 * });
 */
export class PingdummyStack extends Construct {
  /** The base stack. */
  public readonly base: Stack;
  /** The data stack. */
  public readonly data: EnvironmentStack;
  /** The app stack. */
  public readonly app: EnvironmentStack;
  /** The database. */
  public readonly database: Database;
  /** The beacon. */
  public readonly beacon: Service;
  /** The worker. */
  public readonly worker: Worker;
  /** The frontend. */
  public readonly frontend: WebService;
  /** The service alarms. */
  public readonly alarms: Alarms;
  /** The chaos experiments, when on. */
  public readonly chaos?: Chaos;

  constructor(scope: Construct, id: string, props: PingdummyStackProps) {
    super(scope, id);
    // Stacks are siblings under the app (not children of this construct) so the cdktf CLI
    // addresses them by name: `cdktf deploy pingdummy-prod-app`.
    const imageTag = assertImmutableImageTag(props.imageTag);
    const beaconRegion = props.beaconRegion ?? props.region;
    const frontendSize = props.frontend ?? {};
    const beaconSize = props.beacon ?? {};
    const workerSize = props.worker ?? {};
    const databaseSize = props.database ?? {};
    const chaos = props.chaos ?? true;
    const stackId = (part: string) => `${props.name}-${props.environment}-${part}`;
    const repositories = pingdummyRepositories(props.name);

    this.base = new Stack(scope, stackId('base'), { ...props, repositories });
    const shared = {
      project: props.name,
      environment: props.environment,
      accountId: props.accountId,
      region: props.region,
      state: props.state,
      tags: props.tags,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    };
    const base = this.base;
    const protect = base.protect;
    const prefix = base.namePrefix;

    this.data = new EnvironmentStack(scope, stackId('data'), { ...shared, part: 'data' });
    const allocatedStorage = databaseSize.allocatedStorage ?? 20;
    this.database = new Database(this.data, 'database', {
      name: prefix,
      subnetIds: base.privateSubnetIds,
      securityGroupId: base.securityGroups.databaseId,
      instanceClass: databaseSize.instanceClass,
      allocatedStorage,
      maxAllocatedStorage: allocatedStorage * 5,
      multiAz: databaseSize.multiAz ?? protect,
      backupRetentionDays: databaseSize.backupRetentionDays ?? (protect ? 14 : 7),
      protect,
    });
    // Values are set out of band (README: "Secrets"), so they never enter Terraform state.
    const appSecret = (secretId: string, description: string) =>
      new SecretsmanagerSecret(this.data, secretId, {
        name: `${prefix}/${secretId}`,
        description,
        recoveryWindowInDays: protect ? 30 : 0,
      }).arn;
    const beaconTokenArn = appSecret('beacon-token', 'BEACON_TOKEN shared by the worker and the beacons');
    const sessionSecretArn = appSecret('session-secret', 'SESSION_SECRET of the frontend cookies');

    // Fail at synth, not at 3 a.m.: every service at its maximum count (plus one deployment) must
    // fit the cluster at its maximum size, in task ENIs as much as in CPU and memory.
    if (base.cluster.maxSize > 0) {
      const demand = (name: string, size: ServiceSize, defaultCount: number) => {
        const options = sized(size, defaultCount);
        return { name, maxCount: options.autoScaling?.maxCount ?? options.desiredCount, cpu: size.cpu ?? 256, memory: size.memory ?? 512 };
      };
      assertTasksFitCluster(
        { instanceType: base.cluster.instanceType, maxInstances: base.cluster.maxSize, eniTrunking: base.cluster.eniTrunking },
        [demand('frontend', frontendSize, 2), demand('beacon', beaconSize, 2), demand('worker', workerSize, 1)],
      );
    }

    this.app = new EnvironmentStack(scope, stackId('app'), { ...shared, part: 'app' });
    const image = (service: string) => `${base.registry.repositoryUrls[`${props.name}/${service}`]}:${imageTag}`;
    const common = {
      namePrefix: prefix,
      clusterName: base.clusterName,
      region: props.region,
      subnetIds: base.privateSubnetIds,
      securityGroupIds: [base.securityGroups.clusterId],
      logRetentionDays: base.logRetentionDays,
    };

    this.beacon = new Service(this.app, 'beacon', {
      ...common,
      ...sized(beaconSize, 2),
      name: 'beacon',
      image: image('beacon'),
      port: 3001,
      vpcId: base.vpcId,
      loadBalancerSecurityGroupId: base.securityGroups.internalLoadBalancerId,
      privateZoneId: base.privateZoneId,
      privateZoneName: base.privateZoneName,
      accessLogBucketName: base.logBucketName,
      deletionProtection: protect,
      healthCheck: { path: '/healthz' },
      environment: { PGDUMMY_REGION: beaconRegion },
      secrets: { BEACON_TOKEN: { arn: beaconTokenArn } },
    });

    this.worker = new Worker(this.app, 'worker', {
      ...common,
      ...sized(workerSize, 1),
      name: 'worker',
      image: image('worker'),
      environment: {
        BEACON_URLS: `${beaconRegion}=${this.beacon.url}`,
        CLOUDWATCH_NAMESPACE: OVERDUE_CHECKS_METRIC.namespace,
        ENVIRONMENT: props.environment,
        AWS_REGION: props.region,
        PUBLIC_URL: `https://${props.domainName}`,
        ...this.database.connectionEnvironment,
      },
      secrets: { ...this.database.connectionSecrets, BEACON_TOKEN: { arn: beaconTokenArn } },
      taskRoleStatements: [
        this.database.connectStatement,
        {
          sid: 'PublishOverdueChecks',
          actions: ['cloudwatch:PutMetricData'],
          // PutMetricData has no resource-level permissions; the namespace condition scopes it.
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: [OVERDUE_CHECKS_METRIC.namespace] }],
        },
      ],
    });

    this.frontend = new WebService(this.app, 'frontend', {
      ...common,
      ...sized(frontendSize, 2),
      name: 'frontend',
      image: image('frontend'),
      port: 3000,
      vpcId: base.vpcId,
      publicSubnetIds: base.publicSubnetIds,
      loadBalancerSecurityGroupId: base.securityGroups.externalLoadBalancerId,
      accessLogBucketName: base.logBucketName,
      domainName: props.domainName,
      publicZoneId: base.dns.publicZoneId,
      certificateArn: props.certificateArn,
      deletionProtection: protect,
      webAclArn: base.webAclArn,
      healthCheck: { path: '/healthz' },
      environment: {
        PUBLIC_URL: `https://${props.domainName}`,
        // The public ALB is the one proxy in front: believe its X-Forwarded-For entry and nothing before it.
        TRUST_PROXY_HOPS: '1',
        AWS_REGION: props.region,
        ...this.database.connectionEnvironment,
      },
      secrets: { ...this.database.connectionSecrets, SESSION_SECRET: { arn: sessionSecretArn } },
      taskRoleStatements: [this.database.connectStatement],
    });

    const alarmed = (name: string, service: { serviceName: string; loadBalancerArnSuffix?: string; targetGroupArnSuffix?: string }) => ({
      name,
      clusterName: base.clusterName,
      serviceName: service.serviceName,
      loadBalancerArnSuffix: service.loadBalancerArnSuffix,
      targetGroupArnSuffix: service.targetGroupArnSuffix,
    });
    this.alarms = new Alarms(this.app, 'alarms', {
      name: prefix,
      topics: { warningTopicArn: base.alarms.warningTopicArn, criticalTopicArn: base.alarms.criticalTopicArn },
      services: [alarmed('frontend', this.frontend), alarmed('beacon', this.beacon), alarmed('worker', this.worker)],
      database: { instanceIdentifier: this.database.instanceIdentifier, allocatedStorageGiB: allocatedStorage },
      overdueChecksEnvironment: props.environment,
    });

    if (chaos) {
      this.chaos = new Chaos(this.app, 'chaos', {
        name: prefix,
        clusterName: base.clusterName,
        clusterArn: base.cluster.clusterArn,
        services: [
          { name: 'frontend', serviceName: this.frontend.serviceName },
          { name: 'beacon', serviceName: this.beacon.serviceName },
          { name: 'worker', serviceName: this.worker.serviceName },
        ],
        drainContainerInstances: base.cluster.ec2CapacityProviderName !== undefined,
        databaseArn: this.database.instanceArn,
        databaseFailover: databaseSize.multiAz ?? protect,
        stopConditionAlarmArns: this.alarms.anyCriticalAlarmArn ? [this.alarms.anyCriticalAlarmArn] : [],
      });
    }

    new TerraformOutput(this.app, 'frontend_url', { value: this.frontend.url });
    new TerraformOutput(this.app, 'frontend_load_balancer_dns_name', { value: this.frontend.loadBalancerDnsName });
    new TerraformOutput(this.app, 'beacon_url', { value: this.beacon.url });
    new TerraformOutput(this.data, 'database_address', { value: this.database.address });
    // For administrators only (createAppRole, README "First deploy"); the services never read it.
    new TerraformOutput(this.data, 'master_user_secret_arn', { value: this.database.masterUserSecretArn });
    new TerraformOutput(this.data, 'beacon_token_secret_arn', { value: beaconTokenArn });
    new TerraformOutput(this.data, 'session_secret_arn', { value: sessionSecretArn });
  }
}
