import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import { EcsAccountSettingDefault } from '@cdktf/provider-aws/lib/ecs-account-setting-default/index.js';
import { EcsCapacityProvider } from '@cdktf/provider-aws/lib/ecs-capacity-provider/index.js';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers/index.js';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role/index.js';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template/index.js';
import { Construct } from 'constructs';
import { tasksCapacityOf } from './capacity.js';
import { assertResourceName } from './naming.js';
import { serviceTrustPolicy } from './policy-document.js';
import { stackInstanceProfile, stackRole } from './stack-role.js';

/** The ECS-optimized Amazon Linux 2023 AMI, resolved by EC2 at launch: planning needs no AWS call. */
export const ECS_OPTIMIZED_AL2023_AMI = 'resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';

export interface ClusterProps {
  /** Name of the ECS cluster, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** Private subnets for container instances. */
  readonly subnetIds: string[];
  /** Security group of container instances (the stack's cluster group). */
  readonly securityGroupId: string;
  /**
   * EC2 instance type of container instances.
   * @default 't3.medium'
   */
  readonly instanceType?: string;
  /**
   * Smallest number of container instances.
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Largest number of container instances (managed scaling grows up to it).
   * @default 4
   */
  readonly maxSize?: number;
  /**
   * Size of each instance's encrypted root volume, in GiB.
   * @default 30
   */
  readonly rootVolumeSize?: number;
  /**
   * Target utilization of the capacity provider's managed scaling, in percent.
   * @default 100
   */
  readonly targetCapacity?: number;
  /**
   * AMI of container instances, as an ID or an `resolve:ssm:` reference.
   * @default ECS_OPTIMIZED_AL2023_AMI
   */
  readonly imageId?: string;
  /**
   * Tags of the instances and their volumes (provider default tags do not reach instances an
   * auto-scaling group launches, so cost allocation needs them here).
   * @default {}
   */
  readonly instanceTags?: Record<string, string>;
  /**
   * Run EC2 container instances at all; without them services run on Fargate.
   * @default true
   */
  readonly enableEc2Capacity?: boolean;
  /**
   * Create the ECS service-linked role (`AWSServiceRoleForECS`). A fresh account has none, and
   * capacity providers fail without it; turn off in an account that already has it (creating it
   * twice fails).
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * Turn on ENI trunking (the account's `awsvpcTrunking` default setting) so each instance holds
   * more awsvpc tasks than its ENIs allow (m5.large: 10 instead of 2). Needs a supported instance
   * type (not t3; see `INSTANCE_CAPACITY`).
   * @default false
   */
  readonly eniTrunking?: boolean;
}

/**
 * An ECS cluster with Container Insights, the ECS service-linked role (created first), EC2 capacity (auto-scaling group, launch template,
 * capacity provider with managed scaling and termination protection) and the Fargate and
 * Fargate Spot capacity providers.
 *
 * Instances require IMDSv2 with a hop limit of 1 and set `ECS_AWSVPC_BLOCK_IMDS`, so tasks
 * cannot read the instance role's credentials.
 *
 * @example
 * const cluster = new Cluster(this, 'cluster', {
 *   name: 'pingdummy-prod',
 *   subnetIds: network.privateSubnetIds,
 *   securityGroupId: groups.clusterId,
 *   instanceType: 't3.large',
 *   maxSize: 6,
 * });
 */
export class Cluster extends Construct {
  /** The ECS cluster. */
  public readonly cluster: EcsCluster;
  /** Name of the cluster. */
  public readonly clusterName: string;
  /** ARN of the cluster. */
  public readonly clusterArn: string;
  /** Name of the EC2 capacity provider, when EC2 capacity is on. */
  public readonly ec2CapacityProviderName?: string;
  /** Name of the auto-scaling group of container instances, when EC2 capacity is on. */
  public readonly autoScalingGroupName?: string;
  /** ARN of the auto-scaling group of container instances, when EC2 capacity is on. */
  public readonly autoScalingGroupArn?: string;
  /** Name of the container instances' IAM role, when EC2 capacity is on. */
  public readonly instanceRoleName?: string;
  /** The capacity provider services use unless they ask for another. */
  public readonly defaultCapacityProvider: string;
  /** Instance type of the container instances. */
  public readonly instanceType: string;
  /** Most container instances (0 without EC2 capacity). */
  public readonly maxSize: number;
  /** Whether ENI trunking is on. */
  public readonly eniTrunking: boolean;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 't3.medium';
    const minSize = props.minSize ?? 1;
    const maxSize = props.maxSize ?? 4;
    const rootVolumeSize = props.rootVolumeSize ?? 30;
    const targetCapacity = props.targetCapacity ?? 100;
    const imageId = props.imageId ?? ECS_OPTIMIZED_AL2023_AMI;
    const enableEc2Capacity = props.enableEc2Capacity ?? true;
    const instanceTags = props.instanceTags ?? {};
    const name = props.name;
    const createServiceLinkedRole = props.createServiceLinkedRole ?? true;
    const eniTrunking = props.eniTrunking ?? false;

    assertResourceName('Cluster name', name);
    if (minSize > maxSize) throw new Error(`Cluster minSize (${minSize}) must not exceed maxSize (${maxSize})`);
    if (targetCapacity < 1 || targetCapacity > 100) throw new Error(`Cluster targetCapacity (${targetCapacity}) must be between 1 and 100`);
    if (eniTrunking && !enableEc2Capacity) throw new Error('Cluster eniTrunking needs EC2 capacity (enableEc2Capacity): Fargate has no trunking');
    if (eniTrunking) tasksCapacityOf(instanceType, true);
    this.instanceType = instanceType;
    this.maxSize = enableEc2Capacity ? maxSize : 0;
    this.eniTrunking = eniTrunking;

    // The cluster and the capacity provider need the ECS service-linked role; both wait for it.
    const serviceLinkedRole = createServiceLinkedRole
      ? [new IamServiceLinkedRole(this, 'ecs-service-linked-role', { awsServiceName: 'ecs.amazonaws.com' })]
      : [];
    this.cluster = new EcsCluster(this, 'cluster', {
      name,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      dependsOn: serviceLinkedRole,
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;

    const capacityProviders = ['FARGATE', 'FARGATE_SPOT'];
    if (enableEc2Capacity) {
      const role = stackRole(this, 'instance-role', {
        name: `${name}-ecs-instance`,
        assumeRolePolicy: serviceTrustPolicy(this, 'instance-trust', 'ec2.amazonaws.com').json,
      });
      this.instanceRoleName = role.name;
      new IamRolePolicyAttachment(this, 'instance-ecs', {
        role: role.name,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
      });
      new IamRolePolicyAttachment(this, 'instance-ssm', {
        role: role.name,
        policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      });
      const profile = stackInstanceProfile(this, 'instance-profile', { name: `${name}-ecs-instance`, role: role.name });

      const userData = [
        '#!/bin/bash',
        `echo "ECS_CLUSTER=${name}" >> /etc/ecs/ecs.config`,
        // Tasks in awsvpc mode must not reach the instance metadata (and so the instance role).
        'echo "ECS_AWSVPC_BLOCK_IMDS=true" >> /etc/ecs/ecs.config',
        'echo "ECS_ENABLE_CONTAINER_METADATA=true" >> /etc/ecs/ecs.config',
        'echo "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" >> /etc/ecs/ecs.config',
        '',
      ].join('\n');

      const launchTemplate = new LaunchTemplate(this, 'launch-template', {
        name: `${name}-ecs`,
        imageId,
        instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [props.securityGroupId],
        userData: Buffer.from(userData).toString('base64'),
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        monitoring: { enabled: true },
        blockDeviceMappings: [
          { deviceName: '/dev/xvda', ebs: { encrypted: 'true', volumeType: 'gp3', volumeSize: rootVolumeSize, deleteOnTermination: 'true' } },
        ],
        tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: { ...instanceTags, Name: `${name}-ecs` } })),
      });

      // Instances get trunking only if the setting is on when they register: set it before they launch.
      const trunkingSetting = eniTrunking
        ? [new EcsAccountSettingDefault(this, 'eni-trunking', { name: 'awsvpcTrunking', value: 'enabled', dependsOn: serviceLinkedRole })]
        : [];
      const asg = new AutoscalingGroup(this, 'asg', {
        name: `${name}-ecs`,
        minSize,
        maxSize,
        vpcZoneIdentifier: props.subnetIds,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
        healthCheckType: 'EC2',
        // Managed termination protection: ECS decides which instances may go.
        protectFromScaleIn: true,
        tag: [
          { key: 'Name', value: `${name}-ecs`, propagateAtLaunch: true },
          { key: 'AmazonECSManaged', value: 'true', propagateAtLaunch: true },
        ],
        // Managed scaling owns desired capacity.
        lifecycle: { ignoreChanges: ['desired_capacity'] },
        dependsOn: trunkingSetting,
      });
      this.autoScalingGroupName = asg.name;
      this.autoScalingGroupArn = asg.arn;

      const capacityProvider = new EcsCapacityProvider(this, 'capacity-provider', {
        name: `${name}-ec2`,
        autoScalingGroupProvider: {
          autoScalingGroupArn: asg.arn,
          managedTerminationProtection: 'ENABLED',
          managedDraining: 'ENABLED',
          managedScaling: { status: 'ENABLED', targetCapacity, minimumScalingStepSize: 1, maximumScalingStepSize: 2 },
        },
        // Without these, the provider is created in parallel with the cluster and the role, and fails
        // in a fresh account with "ECS Service Linked Role does not exist".
        dependsOn: [...serviceLinkedRole, this.cluster],
      });
      this.ec2CapacityProviderName = capacityProvider.name;
      capacityProviders.unshift(capacityProvider.name);
    }

    this.defaultCapacityProvider = capacityProviders[0]!;
    new EcsClusterCapacityProviders(this, 'capacity-providers', {
      clusterName: this.cluster.name,
      capacityProviders,
      defaultCapacityProviderStrategy: [{ capacityProvider: this.defaultCapacityProvider, weight: 1, base: 0 }],
    });
  }
}
