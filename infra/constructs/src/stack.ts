import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { AccountBaseline, type AccountBaselineFeatures } from './account-baseline.js';
import { Alarms } from './alarms.js';
import { Bastion } from './bastion.js';
import { Cluster } from './cluster.js';
import { Dns } from './dns.js';
import { EnvironmentStack, type StateLocation } from './environment-stack.js';
import { LogBucket } from './log-bucket.js';
import { isProductionEnvironment } from './naming.js';
import { Network } from './network.js';
import { Registry } from './registry.js';
import { SecurityGroups } from './security-groups.js';
import { WebAcl } from './web-acl.js';

export interface StackProps {
  /** Environment name, e.g. `stage` or `prod`; `prod` turns on the production defaults. */
  readonly environment: string;
  /** 12-digit AWS account of the environment. */
  readonly accountId: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Project name: the prefix of resource names (`<name>-<environment>-...`) and the `project` tag.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Availability zones.
   * @default - zones a, b and c of the region
   */
  readonly availabilityZones?: string[];
  /**
   * IPv4 block of the VPC.
   * @default '10.30.0.0/16'
   */
  readonly cidr?: string;
  /**
   * One NAT gateway for all zones instead of one per zone.
   * @default - true outside production, false in production
   */
  readonly singleNatGateway?: boolean;
  /**
   * Production protections: `prevent_destroy` on the public zone, the log bucket and the
   * repositories, longer log retention (and, in PingdummyStack, deletion protection of the load
   * balancers and the database).
   * @default - true when environment is `prod` or `production`
   */
  readonly protect?: boolean;
  /**
   * Create the ECS service-linked role; turn off in an account that already has it.
   * @default true
   */
  readonly createEcsServiceLinkedRole?: boolean;
  /**
   * ENI trunking on the container instances (more awsvpc tasks per instance; not on t3).
   * @default false
   */
  readonly eniTrunking?: boolean;
  /**
   * Instance type of container instances.
   * @default 't3.medium'
   */
  readonly instanceType?: string;
  /**
   * Smallest number of container instances.
   * @default 1
   */
  readonly minInstances?: number;
  /**
   * Largest number of container instances.
   * @default 4
   */
  readonly maxInstances?: number;
  /**
   * IPv4 ranges allowed to SSH to the bastion.
   * @default [] - Session Manager only
   */
  readonly sshAllowedCidrs?: string[];
  /**
   * Private zone name.
   * @default 'stack.local'
   */
  readonly privateZoneName?: string;
  /**
   * Public domain name of the web service.
   * @default - no public zone
   */
  readonly domainName?: string;
  /**
   * Existing public zone of `domainName`.
   * @default - a new zone when `domainName` is given
   */
  readonly publicZoneId?: string;
  /**
   * ECR repositories.
   * @default [name]
   */
  readonly repositories?: string[];
  /**
   * Retention of log groups, in days.
   * @default - 90 when protected, 30 otherwise
   */
  readonly logRetentionDays?: number;
  /**
   * Where the state lives.
   * @default - the environment's S3 state bucket, key `<name>/<environment>/base.tfstate`
   */
  readonly state?: StateLocation;
  /**
   * Extra tags on every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * The account's security baseline (CloudTrail, GuardDuty, S3 public access block, Session
   * Manager logging, AWS Config); each feature left out follows `protect`, except AWS Config (off).
   * @default - everything but AWS Config when protected, nothing otherwise
   */
  readonly accountBaseline?: AccountBaselineFeatures;
  /**
   * A WAF web ACL with AWS managed rule groups for the public load balancers (`webAclArn`).
   * @default - same as `protect`
   */
  readonly webAcl?: boolean;
  /**
   * Permissions boundary of every IAM role of the stack.
   * @default - `<name>-<environment>-permissions-boundary` (StackPermissions)
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * The base of an environment in one Terraform stack, like Segment's Stack: network, security
 * groups, bastion, DNS, load-balancer log bucket, ECS cluster, registry and alarm topics; with
 * `protect` (production) also the account baseline (CloudTrail, GuardDuty, S3 public access
 * block, Session Manager logging) and a WAF web ACL for public load balancers.
 * Services go in stacks of their own that read these outputs.
 *
 * @example
 * const app = new App();
 * new Stack(app, 'acme', { environment: 'stage', accountId: '123456789012', region: 'eu-west-1' });
 * app.synth();
 */
export class Stack extends EnvironmentStack {
  /** The network. */
  public readonly network: Network;
  /** The security groups. */
  public readonly securityGroups: SecurityGroups;
  /** The bastion. */
  public readonly bastion: Bastion;
  /** The DNS zones. */
  public readonly dns: Dns;
  /** The load-balancer log bucket. */
  public readonly logBucket: LogBucket;
  /** The ECS cluster. */
  public readonly cluster: Cluster;
  /** The container registry. */
  public readonly registry: Registry;
  /** The alarm topics. */
  public readonly alarms: Alarms;
  /** The account's security baseline. */
  public readonly accountBaseline: AccountBaseline;
  /** The WAF web ACL of public load balancers, when on. */
  public readonly webAcl?: WebAcl;
  /** ARN of that web ACL (give it to WebService), when on. */
  public readonly webAclArn?: string;
  /** Whether production protections are on. */
  public readonly protect: boolean;
  /** Retention of log groups, in days (services follow it). */
  public readonly logRetentionDays: number;
  /** Availability zones. */
  public readonly availabilityZones: string[];
  /** ID of the VPC. */
  public readonly vpcId: string;
  /** IDs of the public subnets. */
  public readonly publicSubnetIds: string[];
  /** IDs of the private subnets. */
  public readonly privateSubnetIds: string[];
  /** Name of the ECS cluster. */
  public readonly clusterName: string;
  /** ID of the private zone. */
  public readonly privateZoneId: string;
  /** Name of the private zone. */
  public readonly privateZoneName: string;
  /** Public domain name, when given. */
  public readonly domainName?: string;
  /** Name of the load-balancer log bucket. */
  public readonly logBucketName: string;

  constructor(scope: Construct, id: string, props: StackProps) {
    const name = props.name ?? id;
    const protect = props.protect ?? isProductionEnvironment(props.environment);
    super(scope, id, {
      project: name,
      environment: props.environment,
      accountId: props.accountId,
      region: props.region,
      part: 'base',
      state: props.state,
      tags: props.tags,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });
    const availabilityZones = props.availabilityZones ?? ['a', 'b', 'c'].map((zone) => `${props.region}${zone}`);
    const singleNatGateway = props.singleNatGateway ?? !isProductionEnvironment(props.environment);
    const repositories = props.repositories ?? [name];
    const logRetentionDays = props.logRetentionDays ?? (protect ? 90 : 30);
    const baseline = props.accountBaseline ?? {};
    const webAcl = props.webAcl ?? protect;
    const prefix = this.namePrefix;
    const instanceTags = (service: string) => ({ ...props.tags, project: name, environment: props.environment, service });
    this.protect = protect;
    this.logRetentionDays = logRetentionDays;
    this.availabilityZones = availabilityZones;

    this.network = new Network(this, 'network', {
      name: prefix,
      availabilityZones,
      cidr: props.cidr,
      singleNatGateway,
      flowLogRetentionDays: logRetentionDays,
    });
    this.securityGroups = new SecurityGroups(this, 'security-groups', { name: prefix, vpcId: this.network.vpcId });
    this.bastion = new Bastion(this, 'bastion', {
      name: prefix,
      vpcId: this.network.vpcId,
      privateSubnetIds: this.network.privateSubnetIds,
      publicSubnetIds: this.network.publicSubnetIds,
      sshAllowedCidrs: props.sshAllowedCidrs,
      instanceTags: instanceTags('bastion'),
    });
    this.securityGroups.allowDatabaseAccessFrom('bastion', this.bastion.securityGroupId);
    this.dns = new Dns(this, 'dns', {
      vpcId: this.network.vpcId,
      privateZoneName: props.privateZoneName,
      publicDomainName: props.domainName,
      publicZoneId: props.publicZoneId,
      preventDestroy: protect,
    });
    this.logBucket = new LogBucket(this, 'log-bucket', { name: prefix, accountId: props.accountId, region: props.region, preventDestroy: protect });
    this.cluster = new Cluster(this, 'cluster', {
      name: prefix,
      subnetIds: this.network.privateSubnetIds,
      securityGroupId: this.securityGroups.clusterId,
      instanceType: props.instanceType,
      minSize: props.minInstances,
      maxSize: props.maxInstances,
      instanceTags: instanceTags('cluster'),
      createServiceLinkedRole: props.createEcsServiceLinkedRole,
      eniTrunking: props.eniTrunking,
    });
    this.registry = new Registry(this, 'registry', { repositories, preventDestroy: protect });
    this.alarms = new Alarms(this, 'alarms', { name: prefix, accountId: props.accountId });
    this.accountBaseline = new AccountBaseline(this, 'account-baseline', {
      name: prefix,
      accountId: props.accountId,
      region: props.region,
      cloudTrail: baseline.cloudTrail ?? protect,
      guardDuty: baseline.guardDuty ?? protect,
      s3PublicAccessBlock: baseline.s3PublicAccessBlock ?? protect,
      sessionManagerLogging: baseline.sessionManagerLogging ?? protect,
      config: baseline.config ?? false,
      preventDestroy: protect,
      // Container instances run the SSM agent too: a session there must be able to stream its transcript.
      sessionInstanceRoleNames: [this.bastion.roleName, ...(this.cluster.instanceRoleName ? [this.cluster.instanceRoleName] : [])],
    });
    if (webAcl) {
      this.webAcl = new WebAcl(this, 'web-acl', { name: prefix });
      this.webAclArn = this.webAcl.webAclArn;
    }

    this.vpcId = this.network.vpcId;
    this.publicSubnetIds = this.network.publicSubnetIds;
    this.privateSubnetIds = this.network.privateSubnetIds;
    this.clusterName = this.cluster.clusterName;
    this.privateZoneId = this.dns.privateZoneId;
    this.privateZoneName = this.dns.privateZoneName;
    this.domainName = this.dns.publicDomainName;
    this.logBucketName = this.logBucket.bucketName;

    // The outputs of Segment's Stack, for `terraform output` and for stacks outside this program.
    const outputs: Record<string, unknown> = {
      environment: props.environment,
      region: props.region,
      availability_zones: availabilityZones,
      vpc_id: this.network.vpcId,
      vpc_cidr: this.network.vpcCidr,
      public_subnet_ids: this.network.publicSubnetIds,
      private_subnet_ids: this.network.privateSubnetIds,
      nat_public_ips: this.network.natPublicIps,
      cluster_name: this.cluster.clusterName,
      cluster_arn: this.cluster.clusterArn,
      private_zone_id: this.dns.privateZoneId,
      private_zone_name: this.dns.privateZoneName,
      public_zone_id: this.dns.publicZoneId ?? '',
      // Delegate the domain to these (an NS record in the parent zone) before the app stack's first
      // apply: its certificate is DNS-validated in this zone (README, "First deploy").
      public_zone_name_servers: this.dns.publicNameServers ?? [],
      domain_name: this.dns.publicDomainName ?? '',
      external_lb_security_group_id: this.securityGroups.externalLoadBalancerId,
      internal_lb_security_group_id: this.securityGroups.internalLoadBalancerId,
      cluster_security_group_id: this.securityGroups.clusterId,
      database_security_group_id: this.securityGroups.databaseId,
      bastion_security_group_id: this.bastion.securityGroupId,
      log_bucket_name: this.logBucket.bucketName,
      warning_topic_arn: this.alarms.warningTopicArn,
      critical_topic_arn: this.alarms.criticalTopicArn,
      repository_urls: this.registry.repositoryUrls,
      web_acl_arn: this.webAclArn ?? '',
    };
    for (const [key, value] of Object.entries(outputs)) new TerraformOutput(this, key, { value });
  }
}
