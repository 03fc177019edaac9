import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';

export interface SecurityGroupsProps {
  /** Prefix of every group name, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** VPC the groups belong to. */
  readonly vpcId: string;
  /**
   * Port the database listens on.
   * @default 5432
   */
  readonly databasePort?: number;
  /**
   * Also open the external load balancer to IPv6 clients (`::/0`) on 80 and 443.
   * @default true
   */
  readonly allowIpv6?: boolean;
}

/**
 * The four security groups of a stack and the rules between them. Rules name groups, not
 * address ranges: only the external load balancer accepts traffic from the internet (80/443).
 *
 * | group | accepts from |
 * |---|---|
 * | external-lb | the world on 80 and 443 |
 * | internal-lb | the cluster (any TCP port) |
 * | cluster | both load balancers (any TCP port) |
 * | database | the cluster on the database port |
 *
 * @example
 * const groups = new SecurityGroups(this, 'security-groups', { name: 'pingdummy-prod', vpcId: network.vpcId });
 * groups.allowDatabaseAccessFrom('bastion', bastion.securityGroupId);
 */
export class SecurityGroups extends Construct {
  /** Group of public (internet-facing) load balancers. */
  public readonly externalLoadBalancer: SecurityGroup;
  /** Group of internal load balancers. */
  public readonly internalLoadBalancer: SecurityGroup;
  /** Group of container instances and awsvpc tasks. */
  public readonly cluster: SecurityGroup;
  /** Group of the database. */
  public readonly database: SecurityGroup;
  /** ID of the external load balancer group. */
  public readonly externalLoadBalancerId: string;
  /** ID of the internal load balancer group. */
  public readonly internalLoadBalancerId: string;
  /** ID of the cluster group. */
  public readonly clusterId: string;
  /** ID of the database group. */
  public readonly databaseId: string;

  private readonly databasePort: number;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const databasePort = props.databasePort ?? 5432;
    const allowIpv6 = props.allowIpv6 ?? true;
    assertResourceName('SecurityGroups name', props.name);
    this.databasePort = databasePort;

    const group = (suffix: string, description: string) =>
      new SecurityGroup(this, suffix, {
        name: `${props.name}-${suffix}`,
        description,
        vpcId: props.vpcId,
        tags: { Name: `${props.name}-${suffix}` },
        lifecycle: { createBeforeDestroy: true },
      });
    this.externalLoadBalancer = group('external-lb', 'Internet-facing load balancers: 80 and 443 from anywhere');
    this.internalLoadBalancer = group('internal-lb', 'Internal load balancers: reachable from the cluster');
    this.cluster = group('cluster', 'Container instances and tasks: reachable from the load balancers');
    this.database = group('database', 'Database: reachable from the cluster on the database port');
    this.externalLoadBalancerId = this.externalLoadBalancer.id;
    this.internalLoadBalancerId = this.internalLoadBalancer.id;
    this.clusterId = this.cluster.id;
    this.databaseId = this.database.id;

    const worldRanges = allowIpv6 ? [{ cidrIpv4: '0.0.0.0/0' }, { cidrIpv6: '::/0' }] : [{ cidrIpv4: '0.0.0.0/0' }];
    for (const port of [80, 443]) {
      for (const range of worldRanges) {
        const family = range.cidrIpv4 ? 'ipv4' : 'ipv6';
        new VpcSecurityGroupIngressRule(this, `external-lb-${port}-${family}`, {
          securityGroupId: this.externalLoadBalancer.id,
          description: `HTTP${port === 443 ? 'S' : ''} from the internet`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...range,
        });
      }
    }

    this.allowTcp('external-lb-to-cluster', this.externalLoadBalancer, this.cluster, 0, 65535, 'Load balancer to tasks');
    this.allowTcp('internal-lb-to-cluster', this.internalLoadBalancer, this.cluster, 0, 65535, 'Internal load balancer to tasks');
    this.allowTcp('cluster-to-internal-lb', this.cluster, this.internalLoadBalancer, 0, 65535, 'Tasks to internal services');
    this.allowDatabaseAccessFrom('cluster', this.cluster.id);

    // Tasks and instances pull images, reach AWS APIs and probe customers' URLs.
    new VpcSecurityGroupEgressRule(this, 'cluster-egress-ipv4', {
      securityGroupId: this.cluster.id,
      description: 'Outbound to anywhere (images, AWS APIs, monitored URLs)',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });
  }

  /** Lets a group (a bastion, a migration task) reach the database port. */
  public allowDatabaseAccessFrom(id: string, sourceSecurityGroupId: string): void {
    new VpcSecurityGroupIngressRule(this, `database-from-${id}`, {
      securityGroupId: this.database.id,
      description: `Database from ${id}`,
      ipProtocol: 'tcp',
      fromPort: this.databasePort,
      toPort: this.databasePort,
      referencedSecurityGroupId: sourceSecurityGroupId,
    });
  }

  private allowTcp(id: string, from: SecurityGroup, to: SecurityGroup, fromPort: number, toPort: number, description: string): void {
    new VpcSecurityGroupEgressRule(this, `${id}-egress`, {
      securityGroupId: from.id,
      description,
      ipProtocol: 'tcp',
      fromPort,
      toPort,
      referencedSecurityGroupId: to.id,
    });
    new VpcSecurityGroupIngressRule(this, `${id}-ingress`, {
      securityGroupId: to.id,
      description,
      ipProtocol: 'tcp',
      fromPort,
      toPort,
      referencedSecurityGroupId: from.id,
    });
  }
}
