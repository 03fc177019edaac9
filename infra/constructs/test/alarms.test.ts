import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { Alarms } from '../src/alarms.js';
import { ACCOUNT, resourcesOf, synth } from './helpers.js';

describe('Alarms', () => {
  let alarms: Alarms | undefined;
  const out = synth((scope) => {
    alarms = new Alarms(scope, 'alarms', {
      name: 'acme-prod',
      accountId: ACCOUNT,
      services: [
        { name: 'web', clusterName: 'acme-prod', serviceName: 'web', loadBalancerArnSuffix: 'app/web/1', targetGroupArnSuffix: 'targetgroup/web/2' },
        { name: 'worker', clusterName: 'acme-prod', serviceName: 'worker' },
      ],
      database: { instanceIdentifier: 'acme-prod', allocatedStorageGiB: 100 },
      overdueChecksEnvironment: 'prod',
    });
  });
  const all = resourcesOf(out, 'aws_cloudwatch_metric_alarm');

  it('creates warning and critical topics and sends each level to its own', () => {
    expect(resourcesOf(out, 'aws_sns_topic').map((t) => t.name).sort()).toEqual(['acme-prod-critical', 'acme-prod-warning']);
    const critical = all.filter((a) => String(a.alarm_name).endsWith('-critical'));
    const warning = all.filter((a) => String(a.alarm_name).endsWith('-warning'));
    expect(critical.length).toBe(warning.length);
    expect(critical.every((a) => JSON.stringify(a.alarm_actions).includes('critical-topic'))).toBe(true);
    expect(warning.every((a) => JSON.stringify(a.alarm_actions).includes('warning-topic'))).toBe(true);
  });

  it('encrypts the topics with a customer-managed, rotating key CloudWatch may use (not alias/aws/sns, which drops every alarm)', () => {
    const topics = resourcesOf(out, 'aws_sns_topic');
    expect(topics.map((t) => String(t.kms_master_key_id))).toEqual([expect.stringMatching(/aws_kms_key\..*topic-key.*\.arn/), expect.stringMatching(/aws_kms_key\..*topic-key.*\.arn/)]);
    const key = resourcesOf(out, 'aws_kms_key');
    expect(key).toEqual([expect.objectContaining({ enable_key_rotation: true })]);
    const statements = Object.values(out.json.data!.aws_iam_policy_document!).flatMap((d) => d.statement as Array<{ actions: string[]; principals: Array<{ identifiers: string[] }> }>);
    const cloudwatch = statements.find((s) => s.principals.some((p) => p.identifiers.includes('cloudwatch.amazonaws.com')))!;
    expect(cloudwatch.actions).toEqual(['kms:GenerateDataKey*', 'kms:Decrypt']);
  });

  it('needs the account of the key when it creates the topics', () => {
    expect(() => synth((scope) => new Alarms(scope, 'alarms', { name: 'acme-prod' }))).toThrow(/give accountId .* or topics/);
  });

  it('watches 5xx rate, p99 latency, unhealthy targets, CPU and memory of load-balanced services', () => {
    const names = all.map((a) => String(a.alarm_name));
    for (const metric of ['5xx-rate', 'p99-latency', 'unhealthy-targets', 'cpu', 'memory']) {
      expect(names).toContain(`acme-prod-web-${metric}-critical`);
    }
    expect(names).not.toContain('acme-prod-worker-5xx-rate-critical');
    expect(out.text).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: 'acme-prod-web-p99-latency-critical', extended_statistic: 'p99', threshold: 3 });
  });

  it('watches the database and the overdue checks the worker publishes', () => {
    expect(out.text).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: 'acme-prod-database-free-storage-critical', comparison_operator: 'LessThanThreshold', threshold: 10 * 1024 ** 3 });
    expect(out.text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'acme-prod-overdue-checks-critical',
      namespace: 'Pingdummy',
      metric_name: 'OverdueChecks',
      dimensions: { Environment: 'prod' },
      treat_missing_data: 'breaching',
    });
    expect(Object.keys(alarms!.criticalAlarmArns)).toHaveLength(all.length / 2);
  });

  it('folds every critical alarm into one composite alarm, a single stop condition for chaos experiments', () => {
    const composite = Object.values(out.json.resource!.aws_cloudwatch_composite_alarm!)[0]!;
    expect(composite.alarm_name).toBe('acme-prod-any-critical');
    expect(String(composite.alarm_rule).split(' OR ')).toHaveLength(all.length / 2);
    expect(alarms!.anyCriticalAlarmArn).toBeDefined();
  });

  it('uses given topics instead of creating them', () => {
    const given = synth((scope) => new Alarms(scope, 'alarms', { name: 'acme-prod', topics: { warningTopicArn: 'arn:w', criticalTopicArn: 'arn:c' }, overdueChecksEnvironment: 'prod' }));
    expect(resourcesOf(given, 'aws_sns_topic')).toHaveLength(0);
    expect(resourcesOf(given, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_actions).sort()).toEqual([['arn:c'], ['arn:w']]);
  });
});
