import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, MOTO_SERVER_MISSING, startMotoServer } from '../src/harness/moto-server.js';
import { describeRehearsalExceptions, REHEARSAL_EXCEPTIONS, type RehearsalException } from '../src/harness/rehearsal-exceptions.js';
import { needsRelease, protectedResources, REHEARSAL_SERVICES, rehearsalOverride, withoutExcludedResources, type StackConfig } from '../src/harness/rehearsal-override.js';
import { dependencyWaves } from '../src/harness/rehearse-environment.js';

const ENV_ACCOUNT = '222233334444';
const stack = (resource: StackConfig['resource'], account = ENV_ACCOUNT, extra: Partial<StackConfig> = {}): StackConfig => ({
  provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: [account] }] },
  resource,
  ...extra,
});
const options = (phase: 'deploy' | 'teardown' | 'production') => ({
  phase,
  endpoint: 'http://127.0.0.1:5000',
  statePath: (name: string) => `/rehearsal/state/${name}.tfstate`,
  exceptions: REHEARSAL_EXCEPTIONS,
});

describe('rehearsal override', () => {
  it('points every service at moto with dummy credentials, few retries and the account guard kept', () => {
    const override = rehearsalOverride(stack({}), options('deploy'), 'pingdummy-stage-base') as { provider: { aws: Array<Record<string, unknown>> }; terraform: unknown };
    const provider = override.provider.aws[0]!;
    expect(Object.keys((provider.endpoints as Array<Record<string, string>>)[0]!).sort()).toEqual([...REHEARSAL_SERVICES].sort());
    expect(Object.values((provider.endpoints as Array<Record<string, string>>)[0]!)).toEqual(REHEARSAL_SERVICES.map(() => 'http://127.0.0.1:5000'));
    expect(provider).toMatchObject({ access_key: 'rehearsal', secret_key: 'rehearsal', max_retries: 2, s3_use_path_style: true });
    expect(provider).not.toHaveProperty('allowed_account_ids');
    expect(override.terraform).toEqual({ backend: { local: { path: '/rehearsal/state/pingdummy-stage-base.tfstate' } } });
  });

  it('reads the remote state of other stacks from their local rehearsal state', () => {
    const consumer = stack({}, ENV_ACCOUNT, { data: { terraform_remote_state: { 'cross-stack-reference-input-pingdummy-stage-base': { backend: 's3' } } } });
    expect((rehearsalOverride(consumer, options('deploy'), 'pingdummy-stage-app') as { data: unknown }).data).toEqual({
      terraform_remote_state: { 'cross-stack-reference-input-pingdummy-stage-base': { backend: 'local', config: { path: '/rehearsal/state/pingdummy-stage-base.tfstate' } } },
    });
  });

  it('lifts prevent_destroy only for the teardown, and keeps every production lifecycle for the refusal check', () => {
    const protectedStack = stack({
      aws_s3_bucket: { state: { bucket: 'b', lifecycle: { prevent_destroy: true } } },
      aws_autoscaling_group: { asg: { max_size: 1 } },
      aws_db_instance: { db: { deletion_protection: true, lifecycle: { ignore_changes: ['password'] } } },
    });
    const resources = (phase: 'deploy' | 'teardown' | 'production') => (rehearsalOverride(protectedStack, options(phase), 'x') as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource;
    expect(resources('deploy')?.aws_s3_bucket).toBeUndefined();
    expect(resources('deploy')?.aws_autoscaling_group?.asg).toEqual({ force_delete: true });
    expect(resources('deploy')?.aws_db_instance?.db).toEqual({
      lifecycle: { ignore_changes: ['password', 'performance_insights_enabled', 'performance_insights_retention_period', 'performance_insights_kms_key_id'] },
    });
    expect(resources('teardown')?.aws_s3_bucket?.state).toEqual({ lifecycle: { prevent_destroy: false } });
    expect(resources('teardown')?.aws_db_instance?.db).toMatchObject({ deletion_protection: false });
    expect(resources('production')).toBeUndefined();
    expect(protectedResources(protectedStack)).toEqual(['aws_s3_bucket.state']);
    expect(needsRelease(protectedStack, REHEARSAL_EXCEPTIONS)).toBe(true);
    expect(needsRelease(stack({ aws_db_instance: { db: { deletion_protection: false } } }), REHEARSAL_EXCEPTIONS)).toBe(false);
  });

  it('ignores a rule description only on rules that reference another security group', () => {
    const rules = stack({ aws_vpc_security_group_ingress_rule: { fromGroup: { referenced_security_group_id: 'sg-1', description: 'a' }, fromCidr: { cidr_ipv4: '0.0.0.0/0', description: 'b' } } });
    const resource = (rehearsalOverride(rules, options('deploy'), 'x') as { resource: Record<string, Record<string, unknown>> }).resource;
    expect(resource.aws_vpc_security_group_ingress_rule).toEqual({ fromGroup: { lifecycle: { ignore_changes: ['description'] } } });
  });
});

describe('excluded resources', () => {
  it('removes the types moto cannot hold and names them', () => {
    const { config, excluded } = withoutExcludedResources(stack({
      aws_cloudwatch_composite_alarm: { any: { alarm_name: 'a' } },
      aws_sns_topic: { topic: { name: 't' } },
    }), REHEARSAL_EXCEPTIONS);
    expect(excluded).toEqual(['aws_cloudwatch_composite_alarm.any']);
    expect(Object.keys(config.resource ?? {})).toEqual(['aws_sns_topic']);
  });

  it('refuses to exclude a resource that something else still references', () => {
    const referenced = stack({
      aws_cloudwatch_composite_alarm: { any: { alarm_name: 'a' } },
      aws_cloudwatch_metric_alarm: { other: { alarm_actions: ['${aws_cloudwatch_composite_alarm.any.arn}'] } },
    });
    expect(() => withoutExcludedResources(referenced, REHEARSAL_EXCEPTIONS)).toThrow(/excludes aws_cloudwatch_composite_alarm\.any .*still references it/);
  });

  it('drops an ordering-only depends_on on an excluded resource, keeping the others', () => {
    const { config } = withoutExcludedResources(stack({
      aws_ecs_account_setting_default: { trunking: { name: 'awsvpcTrunking', value: 'enabled' } },
      aws_iam_service_linked_role: { ecs: { aws_service_name: 'ecs.amazonaws.com' } },
      aws_autoscaling_group: { asg: { depends_on: ['aws_ecs_account_setting_default.trunking', 'aws_iam_service_linked_role.ecs'] } },
    }), REHEARSAL_EXCEPTIONS);
    expect(config.resource?.aws_autoscaling_group?.asg?.depends_on).toEqual(['aws_iam_service_linked_role.ecs']);
  });

  it('lists every exception with its reason, in one place', () => {
    const lines = describeRehearsalExceptions();
    expect(lines).toHaveLength(REHEARSAL_EXCEPTIONS.length);
    for (const exception of REHEARSAL_EXCEPTIONS as RehearsalException[]) expect(exception.reason.length).toBeGreaterThan(20);
    expect(lines).toContain('excluded aws_cloudwatch_composite_alarm: moto 5.x does not implement PutCompositeAlarm (HTTP 500)');
  });
});

describe('stack order', () => {
  it('groups stacks in waves that depend only on earlier waves', () => {
    expect(dependencyWaves({
      'pingdummy-prod-app': ['pingdummy-prod-base', 'pingdummy-prod-data'],
      'pingdummy-prod-base': [],
      'pingdummy-prod-bootstrap': [],
      'pingdummy-prod-data': ['pingdummy-prod-base'],
      'pingdummy-ops': [],
    })).toEqual([['pingdummy-ops', 'pingdummy-prod-base', 'pingdummy-prod-bootstrap'], ['pingdummy-prod-data'], ['pingdummy-prod-app']]);
    expect(() => dependencyWaves({ a: ['b'], b: ['a'] })).toThrow(/cycle: a, b/);
  });
});

describe('moto_server', () => {
  it('is looked up on PATH, and its absence says how to get it', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-path-'));
    expect(findOnPath('moto_server', folder)).toBeUndefined();
    writeFileSync(path.join(folder, 'moto_server'), '#!/bin/sh\n');
    chmodSync(path.join(folder, 'moto_server'), 0o755);
    expect(findOnPath('moto_server', folder)).toBe(path.join(folder, 'moto_server'));
    expect(MOTO_SERVER_MISSING).toContain("pip install 'moto[server]'");
    const savedPath = process.env.PATH;
    process.env.PATH = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-empty-'));
    try {
      await expect(startMotoServer({ accountId: ENV_ACCOUNT, region: 'eu-west-1' })).rejects.toThrow(MOTO_SERVER_MISSING);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  // In CI the test runs (and fails, naming moto_server) even when moto is missing.
  const whenInstalled = findOnPath('moto_server') || process.env.CI ? it : it.skip;
  whenInstalled('starts on a free loopback port and answers as the environment account', async () => {
    const moto = await startMotoServer({ accountId: ENV_ACCOUNT, region: 'eu-west-1' });
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(moto.endpoint, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=rehearsal/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x' } });
      expect(await response.text()).toContain(`<Account>${ENV_ACCOUNT}</Account>`);
    } finally {
      await moto.stop();
    }
  }, 60_000);
});
