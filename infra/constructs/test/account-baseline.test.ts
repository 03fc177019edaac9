import { App, Testing } from 'cdktf';
import { AccountBaseline } from '../src/account-baseline.js';
import { CloudTrail } from '../src/cloud-trail.js';
import { ConfigRecorder } from '../src/config-recorder.js';
import { SessionManagerLogging } from '../src/session-manager-logging.js';
import { Stack } from '../src/stack.js';
import { WebAcl } from '../src/web-acl.js';
import { ACCOUNT, onlyResource, REGION, resourcesOf, synth, type Synthesized } from './helpers.js';

type Statement = { sid?: string; effect?: string; actions?: string[]; resources?: string[]; principals?: Array<{ type: string; identifiers: string[] }>; condition?: Array<{ test: string; variable: string; values: string[] }> };
const statements = (out: Synthesized) => Object.values(out.json.data!.aws_iam_policy_document!).flatMap((d) => d.statement as Statement[]);
const bySid = (out: Synthesized, sid: string) => statements(out).find((s) => s.sid === sid)!;

describe('CloudTrail', () => {
  const out = synth((scope) => new CloudTrail(scope, 'trail', { name: 'acme-prod', accountId: ACCOUNT, region: REGION }));
  const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/acme-prod-trail`;

  it('records every region, global services, with log file validation, after its bucket policy exists', () => {
    expect(onlyResource(out, 'aws_cloudtrail')).toMatchObject({
      name: 'acme-prod-trail', is_multi_region_trail: true, include_global_service_events: true, enable_log_file_validation: true, enable_logging: true,
      depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\./)],
    });
  });

  it('writes to its own private, versioned, TLS-only bucket that only this trail may write to', () => {
    expect(onlyResource(out, 'aws_s3_bucket')).toMatchObject({ bucket: `acme-prod-cloudtrail-${ACCOUNT}` });
    expect(onlyResource(out, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(onlyResource(out, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    expect(bySid(out, 'DenyInsecureTransport').effect).toBe('Deny');
    expect(bySid(out, 'CloudTrailWrite')).toMatchObject({
      actions: ['s3:PutObject'],
      resources: [`arn:aws:s3:::acme-prod-cloudtrail-${ACCOUNT}/AWSLogs/${ACCOUNT}/*`],
      principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] }, { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }],
    });
    expect(bySid(out, 'CloudTrailAclCheck').condition).toEqual([{ test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] }]);
  });
});

describe('SessionManagerLogging', () => {
  const out = synth((scope) => new SessionManagerLogging(scope, 'sessions', { name: 'acme-prod', accountId: ACCOUNT, region: REGION, instanceRoleNames: ['acme-prod-bastion'] }));
  const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/ssm/acme-prod/sessions`;

  it('sets the Session Manager preferences: transcripts streamed to CloudWatch Logs, encrypted with the key', () => {
    const document = onlyResource(out, 'aws_ssm_document');
    expect(document).toMatchObject({ name: 'SSM-SessionManagerRunShell', document_type: 'Session', document_format: 'JSON' });
    const content = JSON.parse(String(document.content)) as { sessionType: string; inputs: Record<string, unknown> };
    expect(content.sessionType).toBe('Standard_Stream');
    expect(content.inputs).toMatchObject({
      cloudWatchLogGroupName: '/aws/ssm/acme-prod/sessions', cloudWatchEncryptionEnabled: true, cloudWatchStreamingEnabled: true,
      kmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.key_id\}$/), runAsEnabled: false, idleSessionTimeout: '20',
    });
  });

  it('encrypts the log group with a rotated key that CloudWatch Logs may use for that group only', () => {
    expect(onlyResource(out, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    expect(onlyResource(out, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/ssm/acme-prod/sessions', retention_in_days: 365, kms_key_id: expect.stringMatching(/aws_kms_key\..*\.arn/) });
    expect(bySid(out, 'CloudWatchLogsOfSessions')).toMatchObject({
      principals: [{ type: 'Service', identifiers: [`logs.${REGION}.amazonaws.com`] }],
      condition: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [logGroupArn] }],
    });
  });

  it('lets the instance roles stream to the group and use the key, nothing more', () => {
    expect(onlyResource(out, 'aws_iam_role_policy')).toMatchObject({ role: 'acme-prod-bastion', name: 'session-manager-logging' });
    expect(bySid(out, 'StreamSessions').resources).toEqual([logGroupArn, `${logGroupArn}:*`]);
    expect(bySid(out, 'UseSessionKey').actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });
});

describe('ConfigRecorder', () => {
  const out = synth((scope) => new ConfigRecorder(scope, 'config', { name: 'acme-prod', accountId: ACCOUNT }));

  it('records everything through the service-linked role and delivers to its own bucket', () => {
    expect(onlyResource(out, 'aws_iam_service_linked_role')).toMatchObject({ aws_service_name: 'config.amazonaws.com' });
    expect(onlyResource(out, 'aws_config_configuration_recorder')).toMatchObject({
      role_arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      recording_group: { all_supported: true, include_global_resource_types: true },
    });
    expect(onlyResource(out, 'aws_config_delivery_channel')).toMatchObject({ s3_bucket_name: expect.stringContaining('aws_s3_bucket') });
    expect(onlyResource(out, 'aws_config_configuration_recorder_status')).toMatchObject({ is_enabled: true });
    expect(bySid(out, 'ConfigDelivery').resources).toEqual([`arn:aws:s3:::acme-prod-config-${ACCOUNT}/AWSLogs/${ACCOUNT}/Config/*`]);
    expect(resourcesOf(out, 'aws_iam_role')).toEqual([]);
  });

  it('leaves an existing service-linked role alone on demand', () => {
    const existing = synth((scope) => new ConfigRecorder(scope, 'config', { name: 'acme-prod', accountId: ACCOUNT, createServiceLinkedRole: false }));
    expect(resourcesOf(existing, 'aws_iam_service_linked_role')).toEqual([]);
  });
});

describe('WebAcl', () => {
  it('blocks with the three AWS managed rule groups and allows the rest', () => {
    const out = synth((scope) => new WebAcl(scope, 'web-acl', { name: 'acme-prod' }));
    const acl = onlyResource(out, 'aws_wafv2_web_acl') as { scope: string; default_action: unknown; rule: Array<Record<string, unknown>> };
    expect(acl.scope).toBe('REGIONAL');
    expect(acl.default_action).toEqual({ allow: {} });
    expect(acl.rule.map((r) => [r.priority, r.statement, r.override_action])).toEqual([
      [0, { managed_rule_group_statement: { name: 'AWSManagedRulesCommonRuleSet', vendor_name: 'AWS' } }, { none: {} }],
      [1, { managed_rule_group_statement: { name: 'AWSManagedRulesKnownBadInputsRuleSet', vendor_name: 'AWS' } }, { none: {} }],
      [2, { managed_rule_group_statement: { name: 'AWSManagedRulesAmazonIpReputationList', vendor_name: 'AWS' } }, { none: {} }],
    ]);
  });

  it('only counts in count-only mode and refuses an empty rule list', () => {
    const out = synth((scope) => new WebAcl(scope, 'web-acl', { name: 'acme-prod', countOnly: true }));
    expect((onlyResource(out, 'aws_wafv2_web_acl').rule as Array<Record<string, unknown>>).every((r) => JSON.stringify(r.override_action) === '{"count":{}}')).toBe(true);
    expect(() => synth((scope) => new WebAcl(scope, 'web-acl', { name: 'acme-prod', managedRuleGroups: [] }))).toThrow('WebAcl managedRuleGroups must list at least one rule group');
  });
});

describe('AccountBaseline', () => {
  it('creates CloudTrail, GuardDuty, the account S3 public access block and session logging by default, not AWS Config', () => {
    const out = synth((scope) => new AccountBaseline(scope, 'baseline', { name: 'acme-prod', accountId: ACCOUNT, region: REGION }));
    const types = Object.keys(out.json.resource!);
    expect(types).toEqual(expect.arrayContaining(['aws_cloudtrail', 'aws_guardduty_detector', 'aws_s3_account_public_access_block', 'aws_ssm_document']));
    expect(types).not.toContain('aws_config_configuration_recorder');
    expect(onlyResource(out, 'aws_guardduty_detector')).toMatchObject({ enable: true });
    expect(onlyResource(out, 'aws_s3_account_public_access_block')).toMatchObject({ account_id: ACCOUNT, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
  });

  it('turns each part off, and AWS Config on', () => {
    const out = synth((scope) => new AccountBaseline(scope, 'baseline', {
      name: 'acme-prod', accountId: ACCOUNT, region: REGION, cloudTrail: false, guardDuty: false, s3PublicAccessBlock: false, sessionManagerLogging: false, config: true,
    }));
    expect(Object.keys(out.json.resource!).filter((t) => !t.startsWith('aws_s3_bucket')).sort()).toEqual([
      'aws_config_configuration_recorder', 'aws_config_configuration_recorder_status', 'aws_config_delivery_channel', 'aws_iam_service_linked_role',
    ]);
  });
});

describe('Stack baseline defaults', () => {
  const synthStack = (props: Partial<ConstructorParameters<typeof Stack>[2]>) => {
    const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
    const stack = new Stack(app, 'acme', { environment: 'prod', accountId: ACCOUNT, region: REGION, ...props });
    return { stack, json: JSON.parse(Testing.synth(stack)) as { resource: Record<string, unknown>; output: Record<string, unknown> } };
  };

  it('has the baseline and a web ACL in production, the bastion allowed to stream sessions', () => {
    const { stack, json } = synthStack({});
    expect(Object.keys(json.resource)).toEqual(expect.arrayContaining(['aws_cloudtrail', 'aws_guardduty_detector', 'aws_s3_account_public_access_block', 'aws_ssm_document', 'aws_wafv2_web_acl']));
    expect(stack.webAclArn).toBeDefined();
    expect(json.output).toHaveProperty('web_acl_arn');
    const sessionPolicies = Object.values(json.resource.aws_iam_role_policy as Record<string, { name: string; role: string }>).filter((p) => p.name === 'session-manager-logging');
    expect(sessionPolicies.map((p) => p.role)).toEqual([expect.stringMatching(/aws_iam_role\.bastion_role/), expect.stringMatching(/aws_iam_role\.cluster_instance-role/)]);
  });

  it('has none of it outside production unless asked, and takes each switch', () => {
    const stage = synthStack({ environment: 'stage' });
    expect(Object.keys(stage.json.resource).filter((t) => /cloudtrail|guardduty|account_public|ssm_document|wafv2/.test(t))).toEqual([]);
    expect(stage.stack.webAclArn).toBeUndefined();
    const chosen = synthStack({ environment: 'stage', accountBaseline: { cloudTrail: true }, webAcl: true });
    expect(Object.keys(chosen.json.resource).filter((t) => /cloudtrail|guardduty|account_public|ssm_document|wafv2/.test(t)).sort()).toEqual(['aws_cloudtrail', 'aws_wafv2_web_acl']);
    const off = synthStack({ accountBaseline: { guardDuty: false }, webAcl: false });
    expect(Object.keys(off.json.resource)).not.toContain('aws_guardduty_detector');
    expect(Object.keys(off.json.resource)).not.toContain('aws_wafv2_web_acl');
  });
});
