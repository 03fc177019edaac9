import { Construct } from 'constructs';
import { EcsWorkload, type ContainerServiceOptions } from './ecs-workload.js';

export interface WorkerProps extends ContainerServiceOptions {
  /**
   * Number of tasks to keep running.
   * @default 1
   */
  readonly desiredCount?: number;
}

/**
 * An ECS service without a load balancer: background jobs (the Pingdummy worker that runs due
 * checks and sends alerts). Same task hardening as Service.
 *
 * @example
 * new Worker(this, 'worker', {
 *   name: 'worker', namePrefix: 'pingdummy-prod', image: `${repositoryUrl}:${imageTag}`,
 *   clusterName, region, subnetIds: privateSubnetIds, securityGroupIds: [clusterSecurityGroupId],
 *   command: ['node', 'dist/main.js'], desiredCount: 2,
 *   environment: { BEACON_URLS: beacon.url },
 *   secrets: { BEACON_TOKEN: { arn: beaconTokenArn } },
 * });
 */
export class Worker extends Construct {
  /** The ECS side: service, task definition, roles, log group. */
  public readonly workload: EcsWorkload;
  /** Name of the ECS service. */
  public readonly serviceName: string;
  /** Name of the worker's log group. */
  public readonly logGroupName: string;
  /** Name of the task role, to grant the worker more permissions. */
  public readonly taskRoleName: string;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    this.workload = new EcsWorkload(this, 'workload', { ...props, desiredCount: props.desiredCount ?? 1 });
    this.serviceName = this.workload.serviceName;
    this.logGroupName = this.workload.logGroupName;
    this.taskRoleName = this.workload.taskRoleName;
  }
}
