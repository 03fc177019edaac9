import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm/index.js';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { Construct } from 'constructs';
import { AlarmTopicKey } from './alarm-topic-key.js';
import { assertResourceName } from './naming.js';

/** A threshold per severity: warning pages nobody, critical wakes someone up. */
export interface Thresholds {
  /** Threshold of the warning alarm. */
  readonly warning: number;
  /** Threshold of the critical alarm. */
  readonly critical: number;
}

/** A service to watch; load-balancer fields are left out for workers. */
export interface AlarmedService {
  /** Service name used in alarm names. */
  readonly name: string;
  /** ECS cluster of the service. */
  readonly clusterName: string;
  /** ECS service name. */
  readonly serviceName: string;
  /**
   * ARN suffix of the service's load balancer.
   * @default - no load-balancer alarms
   */
  readonly loadBalancerArnSuffix?: string;
  /**
   * ARN suffix of the service's target group.
   * @default - no load-balancer alarms
   */
  readonly targetGroupArnSuffix?: string;
}

/** A database to watch. */
export interface AlarmedDatabase {
  /** RDS instance identifier. */
  readonly instanceIdentifier: string;
  /** Allocated storage in GiB (free-storage thresholds are a share of it). */
  readonly allocatedStorageGiB: number;
}

export interface AlarmsProps {
  /** Prefix of alarm and topic names, e.g. `pingdummy-prod`. */
  readonly name: string;
  /**
   * 12-digit account of the topics' KMS key (a customer-managed key CloudWatch may use); needed
   * when the topics are created here.
   * @default - none; required without `topics`
   */
  readonly accountId?: string;
  /**
   * Existing topics to notify.
   * @default - two new topics, `<name>-warning` and `<name>-critical`
   */
  readonly topics?: { readonly warningTopicArn: string; readonly criticalTopicArn: string };
  /**
   * Services to watch (5xx rate, p99 latency, unhealthy targets, CPU, memory).
   * @default []
   */
  readonly services?: AlarmedService[];
  /**
   * Database to watch (CPU, free storage, connections).
   * @default - none
   */
  readonly database?: AlarmedDatabase;
  /**
   * Watch the worker's `Pingdummy/OverdueChecks` metric for this environment.
   * @default - not watched
   */
  readonly overdueChecksEnvironment?: string;
  /**
   * Share of requests answered 5xx, in percent.
   * @default { warning: 1, critical: 5 }
   */
  readonly errorRatePercent?: Thresholds;
  /**
   * p99 target response time, in seconds.
   * @default { warning: 1, critical: 3 }
   */
  readonly latencyP99Seconds?: Thresholds;
  /**
   * Unhealthy targets.
   * @default { warning: 1, critical: 2 }
   */
  readonly unhealthyTargets?: Thresholds;
  /**
   * Service and database CPU utilization, in percent.
   * @default { warning: 80, critical: 95 }
   */
  readonly cpuPercent?: Thresholds;
  /**
   * Service memory utilization, in percent.
   * @default { warning: 80, critical: 95 }
   */
  readonly memoryPercent?: Thresholds;
  /**
   * Database connections.
   * @default { warning: 80, critical: 150 }
   */
  readonly databaseConnections?: Thresholds;
  /**
   * Checks overdue by more than a minute.
   * @default { warning: 10, critical: 100 }
   */
  readonly overdueChecks?: Thresholds;
}

/** Namespace, metric and dimension of the overdue-checks metric the Pingdummy worker publishes. */
export const OVERDUE_CHECKS_METRIC = { namespace: 'Pingdummy', metricName: 'OverdueChecks', dimension: 'Environment' } as const;

type AlarmShape = Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'threshold' | 'alarmActions' | 'okActions'>;

/**
 * CloudWatch alarms at two levels, each level to its own SNS topic: per service 5xx rate, p99
 * latency, unhealthy targets, CPU and memory; database CPU, free storage and connections; and the
 * queue of overdue checks the worker publishes (`Pingdummy/OverdueChecks`, by `Environment`).
 *
 * @example
 * const alarms = new Alarms(this, 'alarms', {
 *   name: 'pingdummy-prod',
 *   topics: { warningTopicArn, criticalTopicArn },
 *   services: [{ name: 'beacon', clusterName, serviceName: beacon.serviceName, loadBalancerArnSuffix: beacon.loadBalancerArnSuffix, targetGroupArnSuffix: beacon.targetGroupArnSuffix }],
 *   database: { instanceIdentifier: database.instanceIdentifier, allocatedStorageGiB: 100 },
 *   overdueChecksEnvironment: 'prod',
 * });
 */
export class Alarms extends Construct {
  /** Topic of warning alarms. */
  public readonly warningTopicArn: string;
  /** Topic of critical alarms. */
  public readonly criticalTopicArn: string;
  /** ARN of every critical alarm, by alarm name (chaos experiments stop on them). */
  public readonly criticalAlarmArns: Record<string, string>;
  /** ARN of every warning alarm, by alarm name. */
  public readonly warningAlarmArns: Record<string, string>;
  /**
   * ARN of a composite alarm in ALARM when any critical alarm is (one stop condition for chaos
   * experiments, which accept five at most); undefined when there is no critical alarm.
   */
  public readonly anyCriticalAlarmArn?: string;

  private readonly props: AlarmsProps;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const services = props.services ?? [];
    const errorRatePercent = props.errorRatePercent ?? { warning: 1, critical: 5 };
    const latencyP99Seconds = props.latencyP99Seconds ?? { warning: 1, critical: 3 };
    const unhealthyTargets = props.unhealthyTargets ?? { warning: 1, critical: 2 };
    const cpuPercent = props.cpuPercent ?? { warning: 80, critical: 95 };
    const memoryPercent = props.memoryPercent ?? { warning: 80, critical: 95 };
    const databaseConnections = props.databaseConnections ?? { warning: 80, critical: 150 };
    const overdueChecks = props.overdueChecks ?? { warning: 10, critical: 100 };
    assertResourceName('Alarms name', props.name);
    this.props = props;
    this.criticalAlarmArns = {};
    this.warningAlarmArns = {};

    if (props.topics) {
      this.warningTopicArn = props.topics.warningTopicArn;
      this.criticalTopicArn = props.topics.criticalTopicArn;
    } else {
      if (!props.accountId) throw new Error(`Alarms "${props.name}": give accountId (the account of the topics' KMS key) or topics (existing ones)`);
      // Not alias/aws/sns: CloudWatch cannot publish to topics under the AWS-managed key.
      const key = new AlarmTopicKey(this, 'topic-key', { name: props.name, accountId: props.accountId });
      const topic = (level: string) => new SnsTopic(this, `${level}-topic`, { name: `${props.name}-${level}`, kmsMasterKeyId: key.keyArn });
      this.warningTopicArn = topic('warning').arn;
      this.criticalTopicArn = topic('critical').arn;
    }

    for (const service of services) {
      const ecs = { ClusterName: service.clusterName, ServiceName: service.serviceName };
      this.alarmPair(`${service.name}-cpu`, cpuPercent, {
        alarmDescription: `CPU utilization of ${service.name}`,
        namespace: 'AWS/ECS', metricName: 'CPUUtilization', statistic: 'Average', dimensions: ecs,
        period: 60, evaluationPeriods: 5, comparisonOperator: 'GreaterThanThreshold',
      });
      this.alarmPair(`${service.name}-memory`, memoryPercent, {
        alarmDescription: `Memory utilization of ${service.name}`,
        namespace: 'AWS/ECS', metricName: 'MemoryUtilization', statistic: 'Average', dimensions: ecs,
        period: 60, evaluationPeriods: 5, comparisonOperator: 'GreaterThanThreshold',
      });
      if (service.loadBalancerArnSuffix && service.targetGroupArnSuffix) {
        const lb = { LoadBalancer: service.loadBalancerArnSuffix, TargetGroup: service.targetGroupArnSuffix };
        const metric = (metricName: string) => ({ namespace: 'AWS/ApplicationELB', metricName, period: 60, stat: 'Sum', dimensions: lb });
        this.alarmPair(`${service.name}-5xx-rate`, errorRatePercent, {
          alarmDescription: `Share of ${service.name} requests answered 5xx, in percent`,
          comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 5, datapointsToAlarm: 3,
          metricQuery: [
            { id: 'errors', metric: metric('HTTPCode_Target_5XX_Count') },
            { id: 'requests', metric: metric('RequestCount') },
            { id: 'rate', expression: 'IF(requests > 0, 100 * errors / requests, 0)', label: '5xx rate', returnData: true },
          ],
        });
        this.alarmPair(`${service.name}-p99-latency`, latencyP99Seconds, {
          alarmDescription: `p99 response time of ${service.name}, in seconds`,
          namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', extendedStatistic: 'p99', dimensions: lb,
          period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, comparisonOperator: 'GreaterThanThreshold',
        });
        this.alarmPair(`${service.name}-unhealthy-targets`, unhealthyTargets, {
          alarmDescription: `Unhealthy targets of ${service.name}`,
          namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', statistic: 'Maximum', dimensions: lb,
          period: 60, evaluationPeriods: 3, comparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }

    if (props.database) {
      const db = { DBInstanceIdentifier: props.database.instanceIdentifier };
      const bytesPerGiB = 1024 ** 3;
      this.alarmPair('database-cpu', cpuPercent, {
        alarmDescription: 'CPU utilization of the database',
        namespace: 'AWS/RDS', metricName: 'CPUUtilization', statistic: 'Average', dimensions: db,
        period: 60, evaluationPeriods: 10, comparisonOperator: 'GreaterThanThreshold',
      });
      // Free storage: warn below 20% of the allocation, critical below 10%.
      this.alarmPair('database-free-storage', {
        warning: Math.round(props.database.allocatedStorageGiB * 0.2 * bytesPerGiB),
        critical: Math.round(props.database.allocatedStorageGiB * 0.1 * bytesPerGiB),
      }, {
        alarmDescription: 'Free storage of the database, in bytes',
        namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', statistic: 'Minimum', dimensions: db,
        period: 300, evaluationPeriods: 1, comparisonOperator: 'LessThanThreshold',
      });
      this.alarmPair('database-connections', databaseConnections, {
        alarmDescription: 'Connections to the database',
        namespace: 'AWS/RDS', metricName: 'DatabaseConnections', statistic: 'Maximum', dimensions: db,
        period: 60, evaluationPeriods: 5, comparisonOperator: 'GreaterThanThreshold',
      });
    }

    if (props.overdueChecksEnvironment) {
      this.alarmPair('overdue-checks', overdueChecks, {
        alarmDescription: 'Checks overdue by more than a minute (the worker falls behind or is down)',
        namespace: OVERDUE_CHECKS_METRIC.namespace, metricName: OVERDUE_CHECKS_METRIC.metricName, statistic: 'Maximum',
        dimensions: { [OVERDUE_CHECKS_METRIC.dimension]: props.overdueChecksEnvironment },
        period: 60, evaluationPeriods: 3, comparisonOperator: 'GreaterThanThreshold',
        // No data means the worker stopped publishing: as bad as a queue.
        treatMissingData: 'breaching',
      });
    }

    const criticalNames = Object.keys(this.criticalAlarmArns);
    if (criticalNames.length > 0) {
      // Depends on the member alarms through their ARNs, so they exist before the rule names them.
      const arns = Object.values(this.criticalAlarmArns);
      this.anyCriticalAlarmArn = new CloudwatchCompositeAlarm(this, 'any-critical', {
        alarmName: `${props.name}-any-critical`,
        alarmDescription: `Any critical alarm of ${props.name} (notifications go through the member alarms)`,
        alarmRule: arns.map((arn) => `ALARM("${arn}")`).join(' OR '),
        actionsEnabled: false,
      }).arn;
    }
  }

  private alarmPair(metric: string, thresholds: Thresholds, shape: AlarmShape): void {
    for (const level of ['warning', 'critical'] as const) {
      const alarmName = `${this.props.name}-${metric}-${level}`;
      const topic = level === 'warning' ? this.warningTopicArn : this.criticalTopicArn;
      const alarm = new CloudwatchMetricAlarm(this, `${metric}-${level}`, {
        treatMissingData: 'notBreaching',
        ...shape,
        alarmName,
        threshold: thresholds[level],
        alarmActions: [topic],
        okActions: [topic],
        tags: { severity: level },
      });
      (level === 'warning' ? this.warningAlarmArns : this.criticalAlarmArns)[alarmName] = alarm.arn;
    }
  }
}
