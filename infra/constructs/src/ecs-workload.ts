import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy/index.js';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { EcsService, type EcsServiceLoadBalancer } from '@cdktf/provider-aws/lib/ecs-service/index.js';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { policyDocument, serviceTrustPolicy } from './policy-document.js';
import { stackRole } from './stack-role.js';

/** A value the container reads from Secrets Manager or SSM Parameter Store at start. */
export interface ContainerSecret {
  /** ARN of the Secrets Manager secret or SSM parameter. */
  readonly arn: string;
  /**
   * Key inside a JSON secret (e.g. `password` of an RDS-managed secret).
   * @default - the whole secret string
   */
  readonly jsonKey?: string;
  /**
   * Where the value lives.
   * @default 'secretsmanager'
   */
  readonly store?: 'secretsmanager' | 'ssm';
}

/** Target tracking of a service's task count on its average CPU. */
export interface TaskAutoScaling {
  /** Fewest tasks. */
  readonly minCount: number;
  /** Most tasks. */
  readonly maxCount: number;
  /**
   * Average CPU utilization to hold, in percent.
   * @default 60
   */
  readonly targetCpuPercent?: number;
}

/** Environment variable names that must come from `secrets`, never from `environment`. */
export const SECRET_NAME_PATTERN = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|CREDENTIAL|DATABASE_URL/i;

/** What every ECS workload (Service, WebService, Worker) accepts. */
export interface ContainerServiceOptions {
  /** Service name, e.g. `beacon`; names the ECS service, task family, log group and roles. */
  readonly name: string;
  /** Prefix that keeps names unique per environment, e.g. `pingdummy-prod`. */
  readonly namePrefix: string;
  /** Name of the ECS cluster to run in. */
  readonly clusterName: string;
  /** Region (for the awslogs driver). */
  readonly region: string;
  /** Container image with an immutable tag, e.g. `<registry url>:3f2a91c`. */
  readonly image: string;
  /** Subnets of the tasks (private ones). */
  readonly subnetIds: string[];
  /** Security groups of the tasks. */
  readonly securityGroupIds: string[];
  /**
   * CPU units of the task (1024 = one vCPU).
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory of the task, in MiB.
   * @default 512
   */
  readonly memory?: number;
  /**
   * Number of tasks to keep running.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Command overriding the image's CMD.
   * @default - the image's CMD
   */
  readonly command?: string[];
  /**
   * Plain environment variables. Names that look secret (`SECRET_NAME_PATTERN`) are refused: use `secrets`.
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read from Secrets Manager or SSM when the task starts.
   * @default {}
   */
  readonly secrets?: Record<string, ContainerSecret>;
  /**
   * User the container runs as; root (`root`, `0`) is refused.
   * @default '1000'
   */
  readonly user?: string;
  /**
   * Mount the container's root filesystem read-only (a writable `/tmp` is mounted).
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Retention of the service's log group, in days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Capacity provider of the service.
   * @default - the cluster's default capacity provider strategy
   */
  readonly capacityProvider?: string;
  /**
   * Scale the number of tasks on CPU (then `desiredCount` is only the initial count).
   * @default - a fixed `desiredCount`
   */
  readonly autoScaling?: TaskAutoScaling;
  /**
   * Extra permissions of the task role (what the application itself may call).
   * @default [] - the task role can do nothing
   */
  readonly taskRoleStatements?: DataAwsIamPolicyDocumentStatement[];
}

export interface EcsWorkloadProps extends ContainerServiceOptions {
  /**
   * Port the container listens on.
   * @default - no port mapping
   */
  readonly containerPort?: number;
  /**
   * Target group to register tasks with.
   * @default - no load balancer
   */
  readonly targetGroupArn?: string;
  /**
   * Seconds ECS ignores failing load-balancer health checks after a task starts.
   * @default 60 with a load balancer
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Resources the service must wait for (the listener that attaches its target group).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Tags that attribute a workload's cost to its service. */
export function serviceTags(name: string): Record<string, string> {
  return { service: name };
}

/**
 * The ECS half shared by Service, WebService and Worker: log group, execution and task roles,
 * task definition (awsvpc, non-root, read-only root filesystem, secrets from Secrets Manager/SSM)
 * and a rolling ECS service (100/200) with the deployment circuit breaker and rollback; the apply
 * waits for steady state, so a failed rollout fails the deploy.
 *
 * @example
 * new EcsWorkload(this, 'workload', { name: 'worker', namePrefix: 'pingdummy-prod', clusterName, region, image, subnetIds, securityGroupIds });
 */
export class EcsWorkload extends Construct {
  /** The ECS service. */
  public readonly service: EcsService;
  /** The task definition. */
  public readonly taskDefinition: EcsTaskDefinition;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** Name of the log group (one stream per container and task). */
  public readonly logGroupName: string;
  /** ARN of the task role (what the application may do). */
  public readonly taskRoleArn: string;
  /** Name of the task role, to attach more permissions. */
  public readonly taskRoleName: string;
  /** ARN of the execution role (what ECS does to start the task). */
  public readonly executionRoleArn: string;

  constructor(scope: Construct, id: string, props: EcsWorkloadProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memory = props.memory ?? 512;
    const desiredCount = props.desiredCount ?? 2;
    const environment = props.environment ?? {};
    const secrets = props.secrets ?? {};
    const user = props.user ?? '1000';
    const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const taskRoleStatements = props.taskRoleStatements ?? [];
    const healthCheckGracePeriodSeconds = props.targetGroupArn ? (props.healthCheckGracePeriodSeconds ?? 60) : undefined;
    const fullName = `${props.namePrefix}-${props.name}`;
    const tags = serviceTags(props.name);

    assertResourceName('service name', props.name);
    const secretLooking = Object.keys(environment).filter((key) => SECRET_NAME_PATTERN.test(key));
    if (secretLooking.length > 0) {
      throw new Error(`Service "${props.name}": environment ${secretLooking.join(', ')} look secret; pass them in secrets (Secrets Manager or SSM), not environment`);
    }
    const both = Object.keys(environment).filter((key) => key in secrets);
    if (both.length > 0) throw new Error(`Service "${props.name}": ${both.join(', ')} appear in both environment and secrets`);
    if (user === 'root' || user === '0' || user.startsWith('0:') || user.startsWith('root:')) {
      throw new Error(`Service "${props.name}": user "${user}" is root; containers run as a non-root user`);
    }
    const scaling = props.autoScaling;
    if (scaling && (scaling.minCount < 1 || scaling.minCount > scaling.maxCount || desiredCount < scaling.minCount || desiredCount > scaling.maxCount)) {
      throw new Error(`Service "${props.name}": autoScaling needs 1 <= minCount (${scaling.minCount}) <= desiredCount (${desiredCount}) <= maxCount (${scaling.maxCount})`);
    }
    if (props.targetGroupArn && props.containerPort === undefined) {
      throw new Error(`Service "${props.name}": targetGroupArn needs containerPort`);
    }

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/ecs/${props.namePrefix}/${props.name}`,
      retentionInDays: logRetentionDays,
      tags,
    });
    this.logGroupName = logGroup.name;

    const executionRole = stackRole(this, 'execution-role', {
      name: `${fullName}-execution`,
      assumeRolePolicy: serviceTrustPolicy(this, 'execution-trust', 'ecs-tasks.amazonaws.com').json,
      tags,
    });
    new IamRolePolicyAttachment(this, 'execution-managed', {
      role: executionRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
    const secretEntries = Object.entries(secrets).sort(([a], [b]) => a.localeCompare(b));
    const secretsManagerArns = unique(secretEntries.filter(([, s]) => (s.store ?? 'secretsmanager') === 'secretsmanager').map(([, s]) => s.arn));
    const parameterArns = unique(secretEntries.filter(([, s]) => s.store === 'ssm').map(([, s]) => s.arn));
    const readSecrets: DataAwsIamPolicyDocumentStatement[] = [];
    if (secretsManagerArns.length > 0) readSecrets.push({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secretsManagerArns });
    if (parameterArns.length > 0) readSecrets.push({ sid: 'ReadParameters', actions: ['ssm:GetParameters'], resources: parameterArns });
    if (readSecrets.length > 0) {
      new IamRolePolicy(this, 'execution-secrets', {
        role: executionRole.id,
        name: 'read-secrets',
        policy: policyDocument(this, 'execution-secrets-document', readSecrets).json,
      });
    }
    this.executionRoleArn = executionRole.arn;

    const taskRole = stackRole(this, 'task-role', {
      name: `${fullName}-task`,
      assumeRolePolicy: serviceTrustPolicy(this, 'task-trust', 'ecs-tasks.amazonaws.com').json,
      tags,
    });
    if (taskRoleStatements.length > 0) {
      new IamRolePolicy(this, 'task-policy', {
        role: taskRole.id,
        name: 'application',
        policy: policyDocument(this, 'task-policy-document', taskRoleStatements).json,
      });
    }
    this.taskRoleArn = taskRole.arn;
    this.taskRoleName = taskRole.name;

    const container = {
      name: props.name,
      image: props.image,
      essential: true,
      user,
      privileged: false,
      readonlyRootFilesystem,
      command: props.command,
      portMappings: props.containerPort === undefined ? [] : [{ containerPort: props.containerPort, protocol: 'tcp' }],
      environment: Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      secrets: secretEntries.map(([name, secret]) => ({
        name,
        valueFrom: secret.jsonKey ? `${secret.arn}:${secret.jsonKey}::` : secret.arn,
      })),
      // The one writable place when the root filesystem is read-only.
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': props.name },
      },
    };

    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: fullName,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['EC2', 'FARGATE'],
      cpu: String(cpu),
      memory: String(memory),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
      volume: [{ name: 'tmp' }],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      tags,
    });

    const loadBalancer: EcsServiceLoadBalancer[] = props.targetGroupArn
      ? [{ targetGroupArn: props.targetGroupArn, containerName: props.name, containerPort: props.containerPort! }]
      : [];
    this.service = new EcsService(this, 'service', {
      name: props.name,
      cluster: props.clusterName,
      taskDefinition: this.taskDefinition.arn,
      desiredCount,
      capacityProviderStrategy: props.capacityProvider ? [{ capacityProvider: props.capacityProvider, weight: 1 }] : undefined,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // The apply waits for the rollout: a deployment the circuit breaker rolls back fails the deploy
      // instead of leaving a green apply (and a state naming a task definition that is not running).
      waitForSteadyState: true,
      networkConfiguration: { subnets: props.subnetIds, securityGroups: props.securityGroupIds, assignPublicIp: false },
      loadBalancer: loadBalancer.length > 0 ? loadBalancer : undefined,
      healthCheckGracePeriodSeconds,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      tags,
      dependsOn: props.dependsOn,
      // With auto scaling, Application Auto Scaling owns the count; a deploy must not reset it.
      lifecycle: scaling ? { ignoreChanges: ['desired_count'] } : undefined,
    });
    this.serviceName = this.service.name;

    if (scaling) {
      const target = new AppautoscalingTarget(this, 'scaling-target', {
        serviceNamespace: 'ecs',
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: `service/${props.clusterName}/${this.service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
        tags,
      });
      new AppautoscalingPolicy(this, 'scaling-policy', {
        name: `${fullName}-cpu`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.targetCpuPercent ?? 60,
          predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
        },
      });
    }
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
