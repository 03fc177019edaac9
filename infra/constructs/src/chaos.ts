import { FisExperimentTemplate, type FisExperimentTemplateStopCondition } from '@cdktf/provider-aws/lib/fis-experiment-template/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { policyDocument, serviceTrustPolicy } from './policy-document.js';
import { stackRole } from './stack-role.js';

/** A service whose tasks an experiment may stop. */
export interface ChaosService {
  /** Service name used in template names. */
  readonly name: string;
  /** ECS service name. */
  readonly serviceName: string;
}

export interface ChaosProps {
  /** Prefix of template and role names, e.g. `pingdummy-stage`. */
  readonly name: string;
  /** Name of the ECS cluster. */
  readonly clusterName: string;
  /** ARN of the ECS cluster. */
  readonly clusterArn: string;
  /**
   * Services that get a "stop one task" experiment.
   * @default []
   */
  readonly services?: ChaosService[];
  /**
   * Add the "drain a container instance" experiment (clusters with EC2 capacity).
   * @default false
   */
  readonly drainContainerInstances?: boolean;
  /**
   * ARN of a database that gets the "reboot with failover" experiment.
   * @default - no database experiment
   */
  readonly databaseArn?: string;
  /**
   * Force a failover to the standby when rebooting the database (multi-AZ only).
   * @default true
   */
  readonly databaseFailover?: boolean;
  /**
   * CloudWatch alarms that stop any running experiment when they fire (five at most, an AWS FIS
   * limit: pass a composite alarm such as `Alarms.anyCriticalAlarmArn` to watch more).
   * @default [] - experiments run to the end
   */
  readonly stopConditionAlarmArns?: string[];
}

/**
 * AWS FIS experiment templates to rehearse failures: stop one task of each service, drain part of
 * the container instances, reboot the database with a failover. Critical alarms stop them; they
 * run under a role of their own that can do nothing else.
 *
 * @example
 * new Chaos(this, 'chaos', {
 *   name: 'pingdummy-stage', clusterName, clusterArn,
 *   services: [{ name: 'beacon', serviceName: 'beacon' }],
 *   drainContainerInstances: true,
 *   databaseArn: database.instanceArn,
 *   stopConditionAlarmArns: [alarms.anyCriticalAlarmArn!],
 * });
 * // aws fis start-experiment --experiment-template-id <chaos.templateIds['beacon-stop-task']>
 */
export class Chaos extends Construct {
  /** ARN of the role experiments run as. */
  public readonly roleArn: string;
  /** Experiment template ID by experiment name (`<service>-stop-task`, `drain-container-instances`, `database-reboot`). */
  public readonly templateIds: Record<string, string>;

  constructor(scope: Construct, id: string, props: ChaosProps) {
    super(scope, id);
    const services = props.services ?? [];
    const drainContainerInstances = props.drainContainerInstances ?? false;
    const databaseFailover = props.databaseFailover ?? true;
    const stopConditionAlarmArns = props.stopConditionAlarmArns ?? [];
    assertResourceName('Chaos name', props.name);
    if (stopConditionAlarmArns.length > 5) {
      throw new Error(`Chaos stopConditionAlarmArns lists ${stopConditionAlarmArns.length} alarms; AWS FIS accepts 5 per template: pass a composite alarm (Alarms.anyCriticalAlarmArn)`);
    }
    if (services.length === 0 && !drainContainerInstances && !props.databaseArn) {
      throw new Error('Chaos needs something to break: give services, drainContainerInstances or databaseArn');
    }

    const role = stackRole(this, 'role', {
      name: `${props.name}-fis`,
      assumeRolePolicy: serviceTrustPolicy(this, 'trust', 'fis.amazonaws.com').json,
    });
    this.roleArn = role.arn;
    // The permissions of the AWS managed policies AWSFaultInjectionSimulatorECSAccess and
    // AWSFaultInjectionSimulatorRDSAccess for the actions used, narrowed to this cluster and database
    // where the action is authorized against them. Task and container-instance ARNs are scoped by
    // cluster name; account and region come from the role's own account.
    const inCluster = (kind: string) => `arn:aws:ecs:*:*:${kind}/${props.clusterName}/*`;
    const statements = [
      // FIS resolves targets through the tagging API, which has no resource-level permissions.
      { sid: 'ResolveTargets', actions: ['tag:GetResources'], resources: ['*'] },
      { sid: 'DescribeCluster', actions: ['ecs:DescribeClusters', 'ecs:ListContainerInstances'], resources: [props.clusterArn] },
    ];
    if (services.length > 0) {
      // ListTasks is authorized against container instances, never the cluster ARN: the managed policy grants it on `*`.
      statements.push({ sid: 'ListTasks', actions: ['ecs:ListTasks'], resources: ['*'] });
      statements.push({ sid: 'StopTasks', actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [inCluster('task')] });
    }
    if (drainContainerInstances) {
      statements.push({ sid: 'DrainInstances', actions: ['ecs:UpdateContainerInstancesState', 'ecs:DescribeContainerInstances'], resources: [inCluster('container-instance')] });
    }
    if (props.databaseArn) {
      statements.push({ sid: 'RebootDatabase', actions: ['rds:RebootDBInstance'], resources: [props.databaseArn] });
      // Describe calls have no resource-level permissions.
      statements.push({ sid: 'DescribeDatabases', actions: ['rds:DescribeDBInstances'], resources: ['*'] });
    }
    new IamRolePolicy(this, 'policy', {
      role: role.id,
      name: 'run-experiments',
      policy: policyDocument(this, 'permissions', statements).json,
    });

    const stopCondition: FisExperimentTemplateStopCondition[] = stopConditionAlarmArns.length > 0
      ? stopConditionAlarmArns.map((value) => ({ source: 'aws:cloudwatch:alarm', value }))
      : [{ source: 'none' }];
    this.templateIds = {};
    const template = (experiment: string, description: string, body: Pick<ConstructorParameters<typeof FisExperimentTemplate>[2], 'action' | 'target'>) => {
      const created = new FisExperimentTemplate(this, experiment, {
        description,
        roleArn: role.arn,
        stopCondition,
        tags: { Name: `${props.name}-${experiment}` },
        ...body,
      });
      this.templateIds[experiment] = created.id;
    };

    for (const service of services) {
      template(`${service.name}-stop-task`, `Stop one task of ${service.name}: the service must replace it without errors`, {
        action: [{ name: 'stop-task', actionId: 'aws:ecs:stop-task', target: { key: 'Tasks', value: 'tasks' } }],
        target: [{
          name: 'tasks',
          resourceType: 'aws:ecs:task',
          selectionMode: 'COUNT(1)',
          parameters: { cluster: props.clusterName, service: service.serviceName },
        }],
      });
    }
    if (drainContainerInstances) {
      template('drain-container-instances', 'Drain a share of the container instances for 10 minutes: tasks must move', {
        action: [{
          name: 'drain',
          actionId: 'aws:ecs:drain-container-instances',
          target: { key: 'Clusters', value: 'cluster' },
          parameter: [{ key: 'drainagePercentage', value: '25' }, { key: 'duration', value: 'PT10M' }],
        }],
        target: [{ name: 'cluster', resourceType: 'aws:ecs:cluster', selectionMode: 'ALL', resourceArns: [props.clusterArn] }],
      });
    }
    if (props.databaseArn) {
      template('database-reboot', `Reboot the database${databaseFailover ? ' with a failover to the standby' : ''}: services must reconnect`, {
        action: [{
          name: 'reboot',
          actionId: 'aws:rds:reboot-db-instances',
          target: { key: 'DBInstances', value: 'database' },
          parameter: [{ key: 'forceFailover', value: String(databaseFailover) }],
        }],
        target: [{ name: 'database', resourceType: 'aws:rds:db', selectionMode: 'ALL', resourceArns: [props.databaseArn] }],
      });
    }
  }
}
