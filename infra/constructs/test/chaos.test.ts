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

  // What each FIS action calls, as the AWS managed policies AWSFaultInjectionSimulatorECSAccess and
  // AWSFaultInjectionSimulatorRDSAccess grant it. `*` means the call has no resource-level
  // permission: the role must allow it on `*` itself.
  const FIS_ACTION_NEEDS: Record<string, Array<{ action: string; on: 'cluster' | 'task' | 'container-instance' | 'database' | '*' }>> = {
    'aws:ecs:stop-task': [
      { action: 'tag:GetResources', on: '*' }, { action: 'ecs:ListTasks', on: '*' }, { action: 'ecs:DescribeClusters', on: 'cluster' },
      { action: 'ecs:DescribeTasks', on: 'task' }, { action: 'ecs:StopTask', on: 'task' },
    ],
    'aws:ecs:drain-container-instances': [
      { action: 'ecs:DescribeClusters', on: 'cluster' }, { action: 'ecs:ListContainerInstances', on: 'cluster' },
      { action: 'ecs:UpdateContainerInstancesState', on: 'container-instance' },
    ],
    'aws:rds:reboot-db-instances': [
      { action: 'tag:GetResources', on: '*' }, { action: 'rds:RebootDBInstance', on: 'database' }, { action: 'rds:DescribeDBInstances', on: '*' },
    ],
  };
  const globMatches = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(value);

  it("lets its role make every call its templates' actions make, on the resources their targets name", () => {
    type Statement = { actions: string[]; resources: string[]; effect?: string };
    const statements = Object.values(out.json.data!.aws_iam_policy_document!)
      .filter((d) => !JSON.stringify(d).includes('sts:AssumeRole'))
      .flatMap((d) => d.statement as Statement[]);
    const allows = (action: string, resource: string) => statements.some((s) => (s.effect ?? 'Allow') === 'Allow'
      && s.actions.some((a) => globMatches(a, action))
      // A call without resource-level permissions is only allowed by a statement on `*`.
      && s.resources.some((r) => (resource === '*' ? r === '*' : globMatches(r, resource))));
    const missingByAction: Record<string, string[]> = {};
    for (const template of resourcesOf(out, 'aws_fis_experiment_template')) {
      const [action] = template.action as Array<{ action_id: string }>;
      const [target] = template.target as Array<{ parameters?: { cluster?: string }; resource_arns?: string[] }>;
      const cluster = target!.parameters?.cluster ?? 'acme-stage';
      const arns = {
        'cluster': target!.resource_arns?.[0]?.includes(':cluster/') ? target!.resource_arns[0]! : `arn:aws:ecs:eu-west-1:123456789012:cluster/${cluster}`,
        'task': `arn:aws:ecs:eu-west-1:123456789012:task/${cluster}/0123456789abcdef`,
        'container-instance': `arn:aws:ecs:eu-west-1:123456789012:container-instance/${cluster}/0123456789abcdef`,
        'database': target!.resource_arns?.[0] ?? 'none',
        '*': '*',
      };
      missingByAction[action!.action_id] = FIS_ACTION_NEEDS[action!.action_id]!.filter((need) => !allows(need.action, arns[need.on])).map((need) => `${need.action} on ${arns[need.on]}`);
    }
    expect(missingByAction).toEqual({ 'aws:ecs:stop-task': [], 'aws:ecs:drain-container-instances': [], 'aws:rds:reboot-db-instances': [] });
  });

  it('refuses more stop conditions than AWS FIS accepts', () => {
    const alarms = Array.from({ length: 6 }, (_, i) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a${i}`);
    expect(() => synth((scope) => new Chaos(scope, 'chaos', { name: 'acme', clusterName: 'acme', clusterArn, databaseArn: dbArn, stopConditionAlarmArns: alarms }))).toThrow(/accepts 5 per template/);
  });

  it('refuses an empty experiment list', () => {
    expect(() => synth((scope) => new Chaos(scope, 'chaos', { name: 'acme', clusterName: 'acme', clusterArn }))).toThrow(/needs something to break/);
  });
});
