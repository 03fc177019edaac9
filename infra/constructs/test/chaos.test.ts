import { FisExperimentTemplate } from '@cdktf/provider-aws/lib/fis-experiment-template/index.js';
import { Chaos } from '../src/chaos.js';
import { onlyResource, resourcesOf, synth } from './helpers.js';

const clusterArn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/acme-stage';
const dbArn = 'arn:aws:rds:eu-west-1:123456789012:db:acme-stage';

describe('Chaos', () => {
  const out = synth((scope) => new Chaos(scope, 'chaos', {
    name: 'acme-stage',
    clusterName: 'acme-stage',
    clusterArn,
    services: [{ name: 'web', serviceName: 'web' }],
    drainContainerInstances: true,
    databaseArn: dbArn,
    stopConditionAlarmArns: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:acme-stage-web-5xx-rate-critical'],
  }));

  it('stops one task of a service', () => {
    expect(out.text).toHaveResourceWithProperties(FisExperimentTemplate, {
      action: [{ action_id: 'aws:ecs:stop-task', name: 'stop-task', target: { key: 'Tasks', value: 'tasks' } }],
      target: [{ name: 'tasks', resource_type: 'aws:ecs:task', selection_mode: 'COUNT(1)', parameters: { cluster: 'acme-stage', service: 'web' } }],
    });
  });

  it('drains container instances and reboots the database with failover', () => {
    const templates = resourcesOf(out, 'aws_fis_experiment_template');
    expect(templates).toHaveLength(3);
    const actions = templates.map((t) => (t.action as Array<{ action_id: string }>)[0]!.action_id).sort();
    expect(actions).toEqual(['aws:ecs:drain-container-instances', 'aws:ecs:stop-task', 'aws:rds:reboot-db-instances']);
    expect(JSON.stringify(templates)).toContain('{"key":"forceFailover","value":"true"}');
  });

  it('stops on the alarms and runs under its own role', () => {
    const templates = resourcesOf(out, 'aws_fis_experiment_template');
    expect(templates.every((t) => JSON.stringify(t.stop_condition).includes('aws:cloudwatch:alarm'))).toBe(true);
    expect(onlyResource(out, 'aws_iam_role').name).toBe('acme-stage-fis');
    const permissions = JSON.stringify(out.json.data!.aws_iam_policy_document);
    expect(permissions).toContain('rds:RebootDBInstance');
    expect(permissions).toContain('arn:aws:ecs:*:*:task/acme-stage/*');
  });

  it('refuses more stop conditions than AWS FIS accepts', () => {
    const alarms = Array.from({ length: 6 }, (_, i) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a${i}`);
    expect(() => synth((scope) => new Chaos(scope, 'chaos', { name: 'acme', clusterName: 'acme', clusterArn, databaseArn: dbArn, stopConditionAlarmArns: alarms }))).toThrow(/accepts 5 per template/);
  });

  it('refuses an empty experiment list', () => {
    expect(() => synth((scope) => new Chaos(scope, 'chaos', { name: 'acme', clusterName: 'acme', clusterArn }))).toThrow(/needs something to break/);
  });
});
