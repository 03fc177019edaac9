import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { Construct } from 'constructs';
import { EcsWorkload, serviceTags, type ContainerServiceOptions } from './ecs-workload.js';

/** Load-balancer health check of a service's target group. */
export interface HealthCheckOptions {
  /**
   * Path probed over HTTP.
   * @default '/healthz'
   */
  readonly path?: string;
  /**
   * Seconds between probes.
   * @default 15
   */
  readonly intervalSeconds?: number;
  /**
   * Consecutive successes before a target is healthy.
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a target is unhealthy.
   * @default 3
   */
  readonly unhealthyThreshold?: number;
}

export interface ServiceProps extends ContainerServiceOptions {
  /** Port the container listens on; the internal load balancer listens on the same port. */
  readonly port: number;
  /** VPC of the load balancer's target group. */
  readonly vpcId: string;
  /** Security group of the internal load balancer. */
  readonly loadBalancerSecurityGroupId: string;
  /** Private hosted zone to publish `<name>.<zone>` in. */
  readonly privateZoneId: string;
  /** Name of that zone (e.g. `stack.local`). */
  readonly privateZoneName: string;
  /**
   * Health check of the target group.
   * @default - GET /healthz every 15 seconds
   */
  readonly healthCheck?: HealthCheckOptions;
  /**
   * Seconds a deregistering target keeps serving in-flight requests.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Bucket receiving the internal load balancer's access logs, under the prefix `<name>/`.
   * @default - no access logs
   */
  readonly accessLogBucketName?: string;
  /**
   * Refuse to delete the internal load balancer (turn on in production).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/** The target group shared by Service and WebService. */
export function serviceTargetGroup(scope: Construct, name: string, props: { port: number; vpcId: string; healthCheck?: HealthCheckOptions; deregistrationDelaySeconds?: number; tags: Record<string, string> }): LbTargetGroup {
  const health = props.healthCheck ?? {};
  return new LbTargetGroup(scope, 'target-group', {
    namePrefix: name.slice(0, 6),
    port: props.port,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: props.vpcId,
    deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
    healthCheck: {
      path: health.path ?? '/healthz',
      protocol: 'HTTP',
      matcher: '200',
      interval: health.intervalSeconds ?? 15,
      timeout: 5,
      healthyThreshold: health.healthyThreshold ?? 2,
      unhealthyThreshold: health.unhealthyThreshold ?? 3,
    },
    tags: props.tags,
    lifecycle: { createBeforeDestroy: true },
  });
}

/**
 * An ECS service behind its own internal Application Load Balancer, published in the private
 * zone as `<name>.<zone>` (the beacon becomes `beacon.stack.local`); access logs and deletion
 * protection on demand.
 *
 * @example
 * const beacon = new Service(this, 'beacon', {
 *   name: 'beacon', namePrefix: 'pingdummy-prod', port: 3001,
 *   image: `${repositoryUrl}:${imageTag}`, clusterName, region, vpcId,
 *   subnetIds: privateSubnetIds, securityGroupIds: [clusterSecurityGroupId],
 *   loadBalancerSecurityGroupId: internalLbSecurityGroupId,
 *   privateZoneId, privateZoneName: 'stack.local', accessLogBucketName: logBucketName,
 *   secrets: { BEACON_TOKEN: { arn: beaconTokenArn } },
 * });
 * beacon.url; // http://beacon.stack.local:3001
 */
export class Service extends Construct {
  /** The ECS side: service, task definition, roles, log group. */
  public readonly workload: EcsWorkload;
  /** The internal load balancer. */
  public readonly loadBalancer: Lb;
  /** The target group. */
  public readonly targetGroup: LbTargetGroup;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** DNS name in the private zone, e.g. `beacon.stack.local`. */
  public readonly dnsName: string;
  /** Base URL other services call, e.g. `http://beacon.stack.local:3001`. */
  public readonly url: string;
  /** Port of the load balancer and the container. */
  public readonly port: number;
  /** ARN suffix of the load balancer (CloudWatch dimension). */
  public readonly loadBalancerArnSuffix: string;
  /** ARN suffix of the target group (CloudWatch dimension). */
  public readonly targetGroupArnSuffix: string;
  /** Name of the service's log group. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const tags = serviceTags(props.name);
    const fullName = `${props.namePrefix}-${props.name}`;
    const deletionProtection = props.deletionProtection ?? false;
    if (fullName.length > 32) throw new Error(`Service "${props.name}": load balancer name "${fullName}" exceeds 32 characters; shorten namePrefix or name`);

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: fullName,
      internal: true,
      loadBalancerType: 'application',
      securityGroups: [props.loadBalancerSecurityGroupId],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: deletionProtection,
      accessLogs: props.accessLogBucketName ? { bucket: props.accessLogBucketName, prefix: props.name, enabled: true } : undefined,
      tags,
    });
    this.targetGroup = serviceTargetGroup(this, props.name, { ...props, tags });
    const listener = new LbListener(this, 'listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.port,
      protocol: 'HTTP',
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      tags,
    });

    this.workload = new EcsWorkload(this, 'workload', {
      ...props,
      containerPort: props.port,
      environment: { PORT: String(props.port), ...props.environment },
      targetGroupArn: this.targetGroup.arn,
      dependsOn: [listener],
    });

    this.dnsName = `${props.name}.${props.privateZoneName}`;
    new Route53Record(this, 'dns', {
      zoneId: props.privateZoneId,
      name: this.dnsName,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    });

    this.serviceName = this.workload.serviceName;
    this.url = `http://${this.dnsName}:${props.port}`;
    this.port = props.port;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.logGroupName = this.workload.logGroupName;
  }
}
