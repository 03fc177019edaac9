import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation/index.js';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { EcsWorkload, serviceTags, type ContainerServiceOptions } from './ecs-workload.js';
import { serviceTargetGroup, type HealthCheckOptions } from './service.js';

/** TLS 1.3 and 1.2 only, forward-secret ciphers. */
export const MODERN_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface WebServiceProps extends ContainerServiceOptions {
  /** Port the container listens on. */
  readonly port: number;
  /** VPC of the load balancer's target group. */
  readonly vpcId: string;
  /** Public subnets of the internet-facing load balancer (tasks stay in `subnetIds`). */
  readonly publicSubnetIds: string[];
  /** Security group of the internet-facing load balancer. */
  readonly loadBalancerSecurityGroupId: string;
  /** Bucket receiving the load balancer's access logs. */
  readonly accessLogBucketName: string;
  /** Public DNS name of the service, e.g. `pingdummy.example.com`. */
  readonly domainName: string;
  /**
   * Public hosted zone of `domainName`: an alias record is created there and, without
   * `certificateArn`, the certificate is DNS-validated in it.
   * @default - no DNS record; point the domain at `loadBalancerDnsName` yourself
   */
  readonly publicZoneId?: string;
  /**
   * ARN of an existing ACM certificate covering `domainName`.
   * @default - a new certificate, DNS-validated in `publicZoneId`
   */
  readonly certificateArn?: string;
  /**
   * TLS policy of the HTTPS listener.
   * @default MODERN_TLS_POLICY
   */
  readonly sslPolicy?: string;
  /**
   * Refuse to delete the load balancer (turn on in production).
   * @default false
   */
  readonly deletionProtection?: boolean;
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
   * WAF v2 web ACL to associate with the load balancer (e.g. `Stack.webAclArn`).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
}

/**
 * An ECS service behind an internet-facing Application Load Balancer: HTTPS with an ACM
 * certificate, HTTP redirected to HTTPS, a TLS 1.2+ policy, invalid headers dropped, access logs
 * to the log bucket, deletion protection on demand.
 *
 * @example
 * const frontend = new WebService(this, 'frontend', {
 *   name: 'frontend', namePrefix: 'pingdummy-prod', port: 3000,
 *   image: `${repositoryUrl}:${imageTag}`, clusterName, region, vpcId,
 *   subnetIds: privateSubnetIds, publicSubnetIds, securityGroupIds: [clusterSecurityGroupId],
 *   loadBalancerSecurityGroupId: externalLbSecurityGroupId,
 *   accessLogBucketName: logBucketName,
 *   domainName: 'pingdummy.example.com', publicZoneId,
 *   secrets: { SESSION_SECRET: { arn: sessionSecretArn } },
 *   deletionProtection: true,
 * });
 */
export class WebService extends Construct {
  /** The ECS side: service, task definition, roles, log group. */
  public readonly workload: EcsWorkload;
  /** The internet-facing load balancer. */
  public readonly loadBalancer: Lb;
  /** The target group. */
  public readonly targetGroup: LbTargetGroup;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** Public URL, e.g. `https://pingdummy.example.com`. */
  public readonly url: string;
  /** DNS name of the load balancer. */
  public readonly loadBalancerDnsName: string;
  /** ARN suffix of the load balancer (CloudWatch dimension). */
  public readonly loadBalancerArnSuffix: string;
  /** ARN suffix of the target group (CloudWatch dimension). */
  public readonly targetGroupArnSuffix: string;
  /** ARN of the certificate served on 443. */
  public readonly certificateArn: string;
  /** Name of the service's log group. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const sslPolicy = props.sslPolicy ?? MODERN_TLS_POLICY;
    const deletionProtection = props.deletionProtection ?? false;
    const tags = serviceTags(props.name);
    const fullName = `${props.namePrefix}-${props.name}`;
    if (!props.certificateArn && !props.publicZoneId) {
      throw new Error(`WebService "${props.name}": give certificateArn (an existing certificate) or publicZoneId (to DNS-validate a new one)`);
    }
    if (fullName.length > 32) throw new Error(`WebService "${props.name}": load balancer name "${fullName}" exceeds 32 characters; shorten namePrefix or name`);

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: fullName,
      internal: false,
      loadBalancerType: 'application',
      securityGroups: [props.loadBalancerSecurityGroupId],
      subnets: props.publicSubnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: deletionProtection,
      accessLogs: { bucket: props.accessLogBucketName, prefix: props.name, enabled: true },
      tags,
    });
    this.targetGroup = serviceTargetGroup(this, props.name, { ...props, tags });
    if (props.webAclArn) {
      new Wafv2WebAclAssociation(this, 'web-acl', { resourceArn: this.loadBalancer.arn, webAclArn: props.webAclArn });
    }

    this.certificateArn = props.certificateArn ?? this.validatedCertificate(props.domainName, props.publicZoneId!, tags);

    const httpsListener = new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy,
      certificateArn: this.certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
      tags,
    });
    new LbListener(this, 'http-redirect', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      tags,
    });

    this.workload = new EcsWorkload(this, 'workload', {
      ...props,
      containerPort: props.port,
      environment: { PORT: String(props.port), ...props.environment },
      targetGroupArn: this.targetGroup.arn,
      dependsOn: [httpsListener],
    });

    if (props.publicZoneId) {
      new Route53Record(this, 'dns', {
        zoneId: props.publicZoneId,
        name: props.domainName,
        type: 'A',
        alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
      });
    }

    this.serviceName = this.workload.serviceName;
    this.url = `https://${props.domainName}`;
    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.logGroupName = this.workload.logGroupName;
  }

  private validatedCertificate(domainName: string, zoneId: string, tags: Record<string, string>): string {
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName,
      validationMethod: 'DNS',
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    // One domain, one validation record: the first (only) element of the set.
    const option = Fn.element(Fn.tolist(certificate.getListAttribute('domain_validation_options')), 0);
    const record = new Route53Record(this, 'certificate-validation-record', {
      zoneId,
      name: Fn.lookup(option, 'resource_record_name', ''),
      type: Fn.lookup(option, 'resource_record_type', ''),
      records: [Fn.lookup(option, 'resource_record_value', '')],
      ttl: 300,
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, 'certificate-validation', {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    }).certificateArn;
  }
}
