import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { serviceTrustPolicy } from './policy-document.js';
import { stackInstanceProfile, stackRole } from './stack-role.js';

export interface BastionProps {
  /** Prefix of every resource name, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** VPC of the bastion. */
  readonly vpcId: string;
  /** Private subnets: where the bastion lives when it is reached through Session Manager only. */
  readonly privateSubnetIds: string[];
  /** Public subnets: where the bastion lives when SSH is allowed. Required with `sshAllowedCidrs`. */
  readonly publicSubnetIds?: string[];
  /**
   * IPv4 ranges allowed to SSH (port 22). World ranges (`0.0.0.0/0`, `::/0`) are refused.
   * @default [] - no inbound rule at all; connect with `aws ssm start-session`
   */
  readonly sshAllowedCidrs?: string[];
  /**
   * EC2 key pair for SSH.
   * @default - none (Session Manager needs no key)
   */
  readonly keyName?: string;
  /**
   * Instance type.
   * @default 't3.micro'
   */
  readonly instanceType?: string;
  /**
   * AMI, as an ID or an SSM parameter reference resolved by EC2 at launch (no AWS call at plan time).
   * @default 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'
   */
  readonly imageId?: string;
  /**
   * Tags of the instances and their volumes (provider default tags do not reach instances an
   * auto-scaling group launches, so cost allocation needs them here).
   * @default {}
   */
  readonly instanceTags?: Record<string, string>;
}

/**
 * A self-healing bastion host (an auto-scaling group of one) reached through SSM Session Manager:
 * no inbound port by default, IMDSv2 only, encrypted root volume.
 *
 * @example
 * const bastion = new Bastion(this, 'bastion', {
 *   name: 'pingdummy-prod',
 *   vpcId: network.vpcId,
 *   privateSubnetIds: network.privateSubnetIds,
 * });
 * // aws ssm start-session --target <instance id of bastion.autoScalingGroupName>
 */
export class Bastion extends Construct {
  /** Security group of the bastion (grant it access to the database or services). */
  public readonly securityGroupId: string;
  /** Name of the auto-scaling group holding the bastion instance. */
  public readonly autoScalingGroupName: string;
  /** IAM role of the instance. */
  public readonly roleName: string;
  /** Whether SSH is open (to `sshAllowedCidrs` only). */
  public readonly sshEnabled: boolean;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    const sshAllowedCidrs = props.sshAllowedCidrs ?? [];
    const instanceType = props.instanceType ?? 't3.micro';
    const imageId = props.imageId ?? 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const sshEnabled = sshAllowedCidrs.length > 0;
    const instanceTags = props.instanceTags ?? {};
    const name = `${props.name}-bastion`;

    assertResourceName('Bastion name', props.name);
    const worldRange = sshAllowedCidrs.find((c) => c === '0.0.0.0/0' || c === '::/0' || c.endsWith('/0'));
    if (worldRange) throw new Error(`Bastion sshAllowedCidrs must not contain ${worldRange}: list the office or VPN ranges, or use Session Manager`);
    if (sshEnabled && !props.publicSubnetIds?.length) throw new Error('Bastion sshAllowedCidrs needs publicSubnetIds: an SSH bastion lives in a public subnet');

    const securityGroup = new SecurityGroup(this, 'security-group', {
      name,
      description: sshEnabled ? 'Bastion: SSH from listed ranges' : 'Bastion: Session Manager only, no inbound',
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    this.securityGroupId = securityGroup.id;
    sshAllowedCidrs.forEach(
      (cidr, i) =>
        new VpcSecurityGroupIngressRule(this, `ssh-${i}`, {
          securityGroupId: securityGroup.id,
          description: `SSH from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: cidr,
        }),
    );
    new VpcSecurityGroupEgressRule(this, 'egress', {
      securityGroupId: securityGroup.id,
      description: 'Session Manager endpoints, package mirrors, the database',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });

    const role = stackRole(this, 'role', {
      name,
      assumeRolePolicy: serviceTrustPolicy(this, 'trust', 'ec2.amazonaws.com').json,
    });
    this.roleName = role.name;
    new IamRolePolicyAttachment(this, 'ssm-core', {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
    const profile = stackInstanceProfile(this, 'profile', { name, role: role.name });

    const launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name,
      imageId,
      instanceType,
      keyName: props.keyName,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      networkInterfaces: [
        {
          associatePublicIpAddress: String(sshEnabled),
          securityGroups: [securityGroup.id],
          deleteOnTermination: 'true',
        },
      ],
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { encrypted: 'true', volumeType: 'gp3', volumeSize: 30, deleteOnTermination: 'true' } },
      ],
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: { ...instanceTags, Name: name } })),
    });

    const asg = new AutoscalingGroup(this, 'asg', {
      name,
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifier: sshEnabled ? props.publicSubnetIds : props.privateSubnetIds,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      healthCheckType: 'EC2',
      tag: [{ key: 'Name', value: name, propagateAtLaunch: true }],
    });
    this.autoScalingGroupName = asg.name;
    this.sshEnabled = sshEnabled;
  }
}
