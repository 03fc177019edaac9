import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group/index.js';
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { Construct } from 'constructs';
import { cidrSubnet } from './cidr.js';
import { assertResourceName } from './naming.js';
import { policyDocument, serviceTrustPolicy } from './policy-document.js';
import { stackRole } from './stack-role.js';

export interface NetworkProps {
  /** Prefix of every resource name, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** Availability zones to spread subnets over; one public and one private subnet per zone. */
  readonly availabilityZones: string[];
  /**
   * The VPC's IPv4 block; subnets are carved from it (public ones first, then private ones).
   * @default '10.30.0.0/16'
   */
  readonly cidr?: string;
  /**
   * How many bits each subnet adds to the VPC prefix (4 turns a /16 into /20 subnets).
   * @default 4
   */
  readonly subnetNewBits?: number;
  /**
   * Share one NAT gateway between all private subnets (cheaper, but one zone's outage cuts egress everywhere).
   * @default false - one NAT gateway per availability zone
   */
  readonly singleNatGateway?: boolean;
  /**
   * Record VPC flow logs (all traffic) to CloudWatch Logs.
   * @default true
   */
  readonly enableFlowLog?: boolean;
  /**
   * Retention of the flow log group, in days.
   * @default 30
   */
  readonly flowLogRetentionDays?: number;
}

/**
 * A VPC with public and private subnets in each availability zone, NAT egress, flow logs,
 * and the default security group closed.
 *
 * @example
 * const network = new Network(this, 'network', {
 *   name: 'pingdummy-stage',
 *   availabilityZones: ['eu-west-1a', 'eu-west-1b'],
 *   cidr: '10.20.0.0/16',
 *   singleNatGateway: true,
 * });
 */
export class Network extends Construct {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** ID of the VPC. */
  public readonly vpcId: string;
  /** IPv4 block of the VPC. */
  public readonly vpcCidr: string;
  /** Availability zones, in subnet order. */
  public readonly availabilityZones: string[];
  /** Public subnets (internet gateway route), one per zone. */
  public readonly publicSubnets: Subnet[];
  /** IDs of the public subnets. */
  public readonly publicSubnetIds: string[];
  /** IPv4 blocks of the public subnets. */
  public readonly publicSubnetCidrs: string[];
  /** Private subnets (NAT route), one per zone. */
  public readonly privateSubnets: Subnet[];
  /** IDs of the private subnets. */
  public readonly privateSubnetIds: string[];
  /** IPv4 blocks of the private subnets. */
  public readonly privateSubnetCidrs: string[];
  /** Route table of the public subnets. */
  public readonly publicRouteTableId: string;
  /** Route tables of the private subnets (one per NAT gateway). */
  public readonly privateRouteTableIds: string[];
  /** IDs of the NAT gateways. */
  public readonly natGatewayIds: string[];
  /** Public IPs of the NAT gateways (allow-list these at third parties). */
  public readonly natPublicIps: string[];
  /** ID of the internet gateway. */
  public readonly internetGatewayId: string;
  /** Flow log group name, when flow logs are on. */
  public readonly flowLogGroupName?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const name = props.name;
    const cidr = props.cidr ?? '10.30.0.0/16';
    const subnetNewBits = props.subnetNewBits ?? 4;
    const singleNatGateway = props.singleNatGateway ?? false;
    const enableFlowLog = props.enableFlowLog ?? true;
    const flowLogRetentionDays = props.flowLogRetentionDays ?? 30;
    const azs = props.availabilityZones;

    assertResourceName('Network name', name);
    if (azs.length === 0) throw new Error('Network availabilityZones must list at least one zone');
    if (2 * azs.length > 2 ** subnetNewBits) {
      throw new Error(`Network subnetNewBits ${subnetNewBits} leaves room for ${2 ** subnetNewBits} subnets; ${2 * azs.length} are needed for ${azs.length} zones`);
    }

    this.availabilityZones = azs;
    this.vpcCidr = cidr;
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;

    // Without rules, the default group denies everything: nothing can rely on it by accident.
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpc.id,
      tags: { Name: `${name}-default-closed` },
    });

    const internetGateway = new InternetGateway(this, 'internet-gateway', {
      vpcId: this.vpc.id,
      tags: { Name: name },
    });
    this.internetGatewayId = internetGateway.id;

    this.publicSubnetCidrs = azs.map((_, i) => cidrSubnet(cidr, subnetNewBits, i));
    this.privateSubnetCidrs = azs.map((_, i) => cidrSubnet(cidr, subnetNewBits, azs.length + i));

    this.publicSubnets = azs.map(
      (az, i) =>
        new Subnet(this, `public-${az}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: this.publicSubnetCidrs[i],
          // Public addresses are opt-in per interface (load balancers, NAT), never automatic.
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${az}`, Tier: 'public' },
        }),
    );
    this.privateSubnets = azs.map(
      (az, i) =>
        new Subnet(this, `private-${az}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: this.privateSubnetCidrs[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${az}`, Tier: 'private' },
        }),
    );
    this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.id);

    const publicRouteTable = new RouteTable(this, 'public-route-table', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
      tags: { Name: `${name}-public` },
    });
    this.publicRouteTableId = publicRouteTable.id;
    this.publicSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `public-route-${azs[i]}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }),
    );

    const natZones = singleNatGateway ? azs.slice(0, 1) : azs;
    const natGateways = natZones.map((az, i) => {
      const eip = new Eip(this, `nat-eip-${az}`, { domain: 'vpc', tags: { Name: `${name}-nat-${az}` } });
      return {
        eip,
        gateway: new NatGateway(this, `nat-${az}`, {
          allocationId: eip.id,
          subnetId: this.publicSubnets[i]!.id,
          tags: { Name: `${name}-${az}` },
          dependsOn: [internetGateway],
        }),
      };
    });
    this.natGatewayIds = natGateways.map((n) => n.gateway.id);
    this.natPublicIps = natGateways.map((n) => n.eip.publicIp);

    const privateRouteTables = natGateways.map(
      ({ gateway }, i) =>
        new RouteTable(this, `private-route-table-${natZones[i]}`, {
          vpcId: this.vpc.id,
          route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: gateway.id }],
          tags: { Name: singleNatGateway ? `${name}-private` : `${name}-private-${natZones[i]}` },
        }),
    );
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);
    this.privateSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `private-route-${azs[i]}`, {
          subnetId: subnet.id,
          routeTableId: (singleNatGateway ? privateRouteTables[0] : privateRouteTables[i])!.id,
        }),
    );

    if (enableFlowLog) {
      const logGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
        name: `/vpc/${name}/flow-logs`,
        retentionInDays: flowLogRetentionDays,
      });
      const role = stackRole(this, 'flow-log-role', {
        name: `${name}-flow-logs`,
        assumeRolePolicy: serviceTrustPolicy(this, 'flow-log-trust', 'vpc-flow-logs.amazonaws.com').json,
      });
      new IamRolePolicy(this, 'flow-log-policy', {
        role: role.id,
        name: 'write-flow-logs',
        policy: policyDocument(this, 'flow-log-permissions', [
          {
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [`${logGroup.arn}:*`],
          },
        ]).json,
      });
      new FlowLog(this, 'flow-log', {
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: { Name: name },
      });
      this.flowLogGroupName = logGroup.name;
    }
  }
}
