import { checkEnvironmentPlan, checkStackPlan, formatViolations, POLICY_RULES, type TerraformPlan } from '../src/policy/index.js';

/** A resource of a hand-made plan fragment: values, references to other resources, unknown attributes. */
interface Fixture {
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
  readonly refs?: Record<string, string>;
  readonly unknown?: string[];
  readonly mode?: 'managed' | 'data';
}

function planOf(fixtures: Fixture[]): TerraformPlan {
  const address = (f: Fixture) => `${f.mode === 'data' ? 'data.' : ''}${f.type}.${f.name}`;
  return {
    planned_values: { root_module: { resources: fixtures.map((f) => ({ address: address(f), mode: f.mode ?? 'managed', type: f.type, name: f.name, values: f.values })) } },
    resource_changes: fixtures.map((f) => ({
      address: address(f), mode: f.mode ?? 'managed', type: f.type, name: f.name,
      change: { actions: ['create'], after: f.values, after_unknown: Object.fromEntries((f.unknown ?? []).map((a) => [a, true])) },
    })),
    configuration: {
      root_module: {
        resources: fixtures.map((f) => ({
          address: address(f), mode: f.mode ?? 'managed', type: f.type, name: f.name,
          expressions: Object.fromEntries(Object.entries(f.refs ?? {}).map(([attribute, target]) => [attribute, { references: [`${target}.id`, target] }])),
        })),
      },
    },
  };
}

const violations = (fixtures: Fixture[], rule: string, production = false) => checkStackPlan(planOf(fixtures), { production }, 'test', [rule]);

const tlsOnlyPolicy = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
const goodBucket: Fixture[] = [
  { type: 'aws_s3_bucket', name: 'logs', values: { bucket: 'logs' } },
  { type: 'aws_s3_bucket_public_access_block', name: 'logs', values: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }, refs: { bucket: 'aws_s3_bucket.logs' } },
  { type: 'aws_s3_bucket_policy', name: 'logs', values: { policy: tlsOnlyPolicy }, refs: { bucket: 'aws_s3_bucket.logs' } },
];
const containerDefinitions = (container: Record<string, unknown>) => JSON.stringify([{ name: 'web', image: 'web:1', user: '1000', privileged: false, environment: [], ...container }]);

describe('policy rules', () => {
  it('has a rule for each requirement', () => {
    expect(POLICY_RULES.map((r) => r.id)).toEqual([
      'imds-v2', 'no-public-ip-in-private-subnets', 'no-world-ingress', 'rds-hardening', 's3-hardening', 'alb-hardening', 'alb-log-delivery-allowed',
      'ecr-hardening', 'log-retention', 'no-secrets-in-environment', 'non-root-containers', 'iam-no-wildcard-admin', 'iam-role-permissions-boundary',
      'github-oidc-trust-scoped', 'vpc-flow-logs', 'cloudtrail-hardening', 'public-alb-web-acl', 'cost-allocation-tags', 'sns-topics-publishable', 'ecs-deploy-waits',
    ]);
  });

  it('imds-v2: reports optional tokens and a hop limit above 1', () => {
    expect(violations([{ type: 'aws_launch_template', name: 'ok', values: { metadata_options: [{ http_tokens: 'required', http_put_response_hop_limit: 1 }] } }], 'imds-v2')).toEqual([]);
    const found = violations([{ type: 'aws_launch_template', name: 'bad', values: { metadata_options: [{ http_tokens: 'optional', http_put_response_hop_limit: 2 }] } }], 'imds-v2');
    expect(found.map((v) => v.message)).toEqual(['http_tokens is "optional", not "required"', 'http_put_response_hop_limit is 2, not 1']);
    expect(violations([{ type: 'aws_instance', name: 'bare', values: {} }], 'imds-v2')).toHaveLength(2);
  });

  it('no-public-ip-in-private-subnets: reports private subnets mapping public IPs and tasks with public IPs', () => {
    const found = violations([
      { type: 'aws_subnet', name: 'private', values: { map_public_ip_on_launch: true, tags: { Tier: 'private' } } },
      { type: 'aws_subnet', name: 'public', values: { map_public_ip_on_launch: true, tags: { Tier: 'public' } } },
      { type: 'aws_ecs_service', name: 'web', values: { network_configuration: [{ assign_public_ip: true }] } },
    ], 'no-public-ip-in-private-subnets');
    expect(found.map((v) => v.address)).toEqual(['test: aws_subnet.private', 'test: aws_ecs_service.web']);
  });

  it('no-world-ingress: allows 80/443 on the public load balancer group only', () => {
    const groups: Fixture[] = [
      { type: 'aws_security_group', name: 'external', values: { name: 'acme-external-lb' } },
      { type: 'aws_security_group', name: 'cluster', values: { name: 'acme-cluster' } },
    ];
    expect(violations([...groups, { type: 'aws_vpc_security_group_ingress_rule', name: 'https', values: { cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 }, refs: { security_group_id: 'aws_security_group.external' } }], 'no-world-ingress')).toEqual([]);
    const found = violations([
      ...groups,
      { type: 'aws_vpc_security_group_ingress_rule', name: 'ssh', values: { cidr_ipv4: '0.0.0.0/0', from_port: 22, to_port: 22 }, refs: { security_group_id: 'aws_security_group.external' } },
      { type: 'aws_vpc_security_group_ingress_rule', name: 'cluster', values: { cidr_ipv6: '::/0', from_port: 443, to_port: 443 }, refs: { security_group_id: 'aws_security_group.cluster' } },
      { type: 'aws_security_group', name: 'inline', values: { name: 'legacy', ingress: [{ cidr_blocks: ['0.0.0.0/0'], from_port: 0, to_port: 65535 }] } },
    ], 'no-world-ingress');
    expect(found.map((v) => v.address)).toEqual(['test: aws_vpc_security_group_ingress_rule.ssh', 'test: aws_vpc_security_group_ingress_rule.cluster', 'test: aws_security_group.inline']);
    expect(found[0]!.message).toMatch(/ports 22-22 of acme-external-lb/);
  });

  it('rds-hardening: reports public, unencrypted, short backups; multi-AZ and deletion protection in production only', () => {
    const stageDb: Fixture = { type: 'aws_db_instance', name: 'db', values: { publicly_accessible: false, storage_encrypted: true, backup_retention_period: 7, multi_az: false, deletion_protection: false } };
    expect(violations([stageDb], 'rds-hardening')).toEqual([]);
    expect(violations([stageDb], 'rds-hardening', true).map((v) => v.message)).toEqual(['deletion_protection is off in production', 'multi_az is off in production']);
    const bad: Fixture = { type: 'aws_db_instance', name: 'db', values: { publicly_accessible: true, storage_encrypted: false, backup_retention_period: 1 } };
    expect(violations([bad], 'rds-hardening')).toHaveLength(3);
  });

  it('s3-hardening: reports buckets without a full public access block or a TLS-only policy', () => {
    expect(violations(goodBucket, 's3-hardening')).toEqual([]);
    const halfBlocked = goodBucket.map((f) => (f.type === 'aws_s3_bucket_public_access_block' ? { ...f, values: { ...f.values, restrict_public_buckets: false } } : f));
    expect(violations(halfBlocked, 's3-hardening').map((v) => v.message)).toEqual(['no aws_s3_bucket_public_access_block with all four settings true']);
    const noTls = goodBucket.map((f) => (f.type === 'aws_s3_bucket_policy' ? { ...f, values: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) } } : f));
    expect(violations(noTls, 's3-hardening').map((v) => v.message)).toEqual(['bucket policy does not deny requests without TLS (aws:SecureTransport = false)']);
    expect(violations([goodBucket[0]!], 's3-hardening')).toHaveLength(2);
  });

  it('alb-hardening: reports kept invalid headers, missing logs, HTTP without redirect and old TLS policies', () => {
    const lb: Fixture = { type: 'aws_lb', name: 'web', values: { internal: false, load_balancer_type: 'application', drop_invalid_header_fields: true, access_logs: [{ enabled: true }] } };
    const https: Fixture = { type: 'aws_lb_listener', name: 'https', values: { protocol: 'HTTPS', port: 443, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }, refs: { load_balancer_arn: 'aws_lb.web' } };
    const redirect: Fixture = { type: 'aws_lb_listener', name: 'http', values: { protocol: 'HTTP', port: 80, default_action: [{ type: 'redirect', redirect: [{ protocol: 'HTTPS' }] }] }, refs: { load_balancer_arn: 'aws_lb.web' } };
    expect(violations([lb, https, redirect], 'alb-hardening')).toEqual([]);
    const found = violations([
      { ...lb, values: { ...lb.values, drop_invalid_header_fields: false, access_logs: [{ enabled: false }] } },
      { ...https, values: { ...https.values, ssl_policy: 'ELBSecurityPolicy-2016-08' } },
      { ...redirect, values: { protocol: 'HTTP', port: 80, default_action: [{ type: 'forward' }] } },
    ], 'alb-hardening');
    expect(formatViolations(found)).toMatch(/drop_invalid_header_fields is not true/);
    expect(formatViolations(found)).toMatch(/without access logs/);
    expect(formatViolations(found)).toMatch(/ELBSecurityPolicy-2016-08, not a TLS 1.2\+ policy/);
    expect(formatViolations(found)).toMatch(/HTTP listener on port 80 does not redirect to HTTPS/);
  });

  it('alb-hardening: internal load balancers log access too; production ones are deletion-protected', () => {
    const internal: Fixture = { type: 'aws_lb', name: 'internal', values: { internal: true, load_balancer_type: 'application', drop_invalid_header_fields: true, enable_deletion_protection: false } };
    expect(formatViolations(violations([internal], 'alb-hardening'))).toBe('test: aws_lb.internal: internal load balancer without access logs'.replace(/^/, '[alb-hardening] '));
    const logged = { ...internal, values: { ...internal.values, access_logs: [{ enabled: true }] } };
    expect(violations([logged], 'alb-hardening')).toEqual([]);
    expect(violations([logged], 'alb-hardening', true).map((v) => v.message)).toEqual(['enable_deletion_protection is off in production']);
  });

  it('alb-log-delivery-allowed: reports an access-log prefix the log bucket policy does not let ELB write', () => {
    const bucketPolicy = (resources: string[]) => JSON.stringify({ Statement: [
      { Effect: 'Deny', Action: 's3:*', Principal: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Effect: 'Allow', Action: 's3:PutObject', Principal: { AWS: 'arn:aws:iam::156460612806:root' }, Resource: resources },
    ] });
    const lb = (prefix: string): Fixture => ({ type: 'aws_lb', name: 'web', values: { access_logs: [{ enabled: true, bucket: 'logs', prefix }] } });
    const policy = (resources: string[]): Fixture => ({ type: 'aws_s3_bucket_policy', name: 'logs', values: { policy: bucketPolicy(resources) } });
    // The policy LogBucket wrote before the fix: AWSLogs/<account>/* only, while the ALB logs under frontend/.
    const found = violations([policy(['arn:aws:s3:::logs/AWSLogs/123456789012/*']), lb('frontend')], 'alb-log-delivery-allowed');
    expect(found.map((v) => v.address)).toEqual(['test: aws_lb.web']);
    expect(found[0]!.message).toMatch(/prefix "frontend\/AWSLogs\/\.\.\." of bucket logs.*Access Denied/);
    expect(violations([policy(['arn:aws:s3:::logs/AWSLogs/123456789012/*']), lb('')], 'alb-log-delivery-allowed')).toEqual([]);
    expect(violations([policy(['arn:aws:s3:::logs/frontend/AWSLogs/123456789012/*']), lb('frontend')], 'alb-log-delivery-allowed')).toEqual([]);
    expect(violations([policy(['arn:aws:s3:::logs/*/AWSLogs/123456789012/*']), lb('frontend')], 'alb-log-delivery-allowed')).toEqual([]);
    // No bucket policy lets log delivery write at all.
    expect(violations([lb('frontend')], 'alb-log-delivery-allowed')).toHaveLength(1);
  });

  it('alb-log-delivery-allowed: finds the log bucket policy in another stack of the environment', () => {
    const base = planOf([{ type: 'aws_s3_bucket_policy', name: 'logs', values: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, Resource: 'arn:aws:s3:::logs/AWSLogs/123456789012/*' }] }) } }]);
    const app = planOf([{ type: 'aws_lb', name: 'web', values: { access_logs: [{ enabled: true, bucket: 'placeholder-7', prefix: 'frontend' }] } }]);
    const found = checkEnvironmentPlan({ stacks: { base, app } }, { production: false }, ['alb-log-delivery-allowed']);
    expect(found.map((v) => v.address)).toEqual(['app: aws_lb.web']);
  });

  it('sns-topics-publishable: reports topics under alias/aws/sns and keys CloudWatch cannot use', () => {
    expect(violations([{ type: 'aws_sns_topic', name: 'critical', values: { kms_master_key_id: 'alias/aws/sns' } }], 'sns-topics-publishable')[0]!.message).toMatch(/AWS-managed alias\/aws\/sns/);
    expect(violations([{ type: 'aws_sns_topic', name: 'plain', values: {} }], 'sns-topics-publishable')).toEqual([]);
    const keyPolicy = (service: string) => JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' }] });
    const topic: Fixture = { type: 'aws_sns_topic', name: 'critical', values: {}, refs: { kms_master_key_id: 'aws_kms_key.alarms' } };
    expect(violations([{ type: 'aws_kms_key', name: 'alarms', values: { enable_key_rotation: true, policy: keyPolicy('cloudwatch.amazonaws.com') } }, topic], 'sns-topics-publishable')).toEqual([]);
    const found = violations([{ type: 'aws_kms_key', name: 'alarms', values: { enable_key_rotation: false, policy: keyPolicy('events.amazonaws.com') } }, topic], 'sns-topics-publishable');
    expect(found.map((v) => v.message)).toEqual(['key aws_kms_key.alarms has no automatic rotation', 'policy of key aws_kms_key.alarms does not let cloudwatch.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt']);
  });

  it('ecs-deploy-waits: reports services an apply does not wait for', () => {
    const found = violations([
      { type: 'aws_ecs_service', name: 'web', values: { wait_for_steady_state: false } },
      { type: 'aws_ecs_service', name: 'api', values: { wait_for_steady_state: true } },
    ], 'ecs-deploy-waits');
    expect(found.map((v) => v.address)).toEqual(['test: aws_ecs_service.web']);
  });

  it('ecr-hardening: reports mutable tags and no scan on push', () => {
    expect(violations([{ type: 'aws_ecr_repository', name: 'r', values: { image_tag_mutability: 'MUTABLE', image_scanning_configuration: [{ scan_on_push: false }] } }], 'ecr-hardening')).toHaveLength(2);
    expect(violations([{ type: 'aws_ecr_repository', name: 'r', values: { image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: [{ scan_on_push: true }] } }], 'ecr-hardening')).toEqual([]);
  });

  it('log-retention: reports groups kept forever', () => {
    expect(violations([{ type: 'aws_cloudwatch_log_group', name: 'g', values: { retention_in_days: 0 } }, { type: 'aws_cloudwatch_log_group', name: 'h', values: { retention_in_days: 30 } }], 'log-retention').map((v) => v.address)).toEqual(['test: aws_cloudwatch_log_group.g']);
  });

  it('no-secrets-in-environment: reports secret names, credentials in values, and unverifiable definitions', () => {
    const task = (container: Record<string, unknown>, unknown: string[] = []): Fixture => ({ type: 'aws_ecs_task_definition', name: 't', values: { container_definitions: containerDefinitions(container) }, unknown });
    expect(violations([task({ environment: [{ name: 'PORT', value: '3000' }] })], 'no-secrets-in-environment')).toEqual([]);
    expect(violations([task({ environment: [{ name: 'SESSION_SECRET', value: 'x' }] })], 'no-secrets-in-environment')[0]!.message).toMatch(/SESSION_SECRET in its plain environment/);
    expect(violations([task({ environment: [{ name: 'DB', value: 'postgres://app:hunter2@db:5432/app' }] })], 'no-secrets-in-environment')).toHaveLength(1);
    expect(violations([task({}, ['container_definitions'])], 'no-secrets-in-environment')[0]!.message).toMatch(/unknown until apply/);
  });

  it('non-root-containers: reports root, a missing user and privileged containers', () => {
    const task = (container: Record<string, unknown>): Fixture => ({ type: 'aws_ecs_task_definition', name: 't', values: { container_definitions: containerDefinitions(container) } });
    expect(violations([task({})], 'non-root-containers')).toEqual([]);
    expect(violations([task({ user: '0' })], 'non-root-containers')).toHaveLength(1);
    expect(violations([task({ user: undefined })], 'non-root-containers')).toHaveLength(1);
    expect(violations([task({ privileged: true })], 'non-root-containers')[0]!.message).toBe('container web is privileged');
  });

  it('iam-no-wildcard-admin: reports * on * in known policies, policy documents and AdministratorAccess', () => {
    const admin = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const scoped = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' }] });
    expect(violations([{ type: 'aws_iam_role_policy', name: 'ok', values: { policy: scoped } }], 'iam-no-wildcard-admin')).toEqual([]);
    expect(violations([{ type: 'aws_iam_role_policy', name: 'bad', values: { policy: admin } }], 'iam-no-wildcard-admin')).toHaveLength(1);
    expect(violations([{ type: 'aws_iam_role_policy_attachment', name: 'bad', values: { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }], 'iam-no-wildcard-admin')).toHaveLength(1);
    const plan = planOf([]);
    const withDocument: TerraformPlan = {
      ...plan,
      configuration: { root_module: { resources: [{ address: 'data.aws_iam_policy_document.d', mode: 'data', type: 'aws_iam_policy_document', name: 'd', expressions: { statement: [{ actions: { constant_value: ['*'] }, resources: { constant_value: ['*'] } }] } }] } },
    };
    expect(checkStackPlan(withDocument, { production: false }, 'test', ['iam-no-wildcard-admin'])[0]!.message).toBe('policy document allows * on *');
  });

  it('iam-no-wildcard-admin: reports iam:* and NotAction on *, and IAMFullAccess attached or listed', () => {
    const policy = (statement: Record<string, unknown>) => ({ type: 'aws_iam_policy', name: 'p', values: { policy: JSON.stringify({ Statement: [statement] }) } });
    expect(violations([policy({ Effect: 'Allow', Action: ['ec2:*', 'iam:*'], Resource: '*' })], 'iam-no-wildcard-admin')[0]!.message).toBe('policy allows iam:* on *');
    expect(violations([policy({ Effect: 'Allow', Action: 'iam:Create*', Resource: '*' })], 'iam-no-wildcard-admin')[0]!.message).toBe('policy allows iam:Create* on *');
    expect(violations([policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], 'iam-no-wildcard-admin')[0]!.message).toBe('policy allows NotAction iam:* on *');
    // Scoped IAM writes, IAM reads and denials are fine.
    expect(violations([policy({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::123456789012:role/stack/*' })], 'iam-no-wildcard-admin')).toEqual([]);
    expect(violations([policy({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' })], 'iam-no-wildcard-admin')).toEqual([]);
    expect(violations([policy({ Effect: 'Deny', Action: '*', Resource: '*' })], 'iam-no-wildcard-admin')).toEqual([]);
    expect(violations([{ type: 'aws_iam_role_policy_attachment', name: 'bad', values: { policy_arn: 'arn:aws:iam::aws:policy/IAMFullAccess' } }], 'iam-no-wildcard-admin')[0]!.message).toBe('attaches IAMFullAccess');
    expect(violations([{ type: 'aws_iam_role', name: 'bad', values: { managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } }], 'iam-no-wildcard-admin')[0]!.message).toBe('attaches AdministratorAccess');
    const withDocument: TerraformPlan = {
      ...planOf([]),
      configuration: { root_module: { resources: [{ address: 'data.aws_iam_policy_document.d', mode: 'data', type: 'aws_iam_policy_document', name: 'd', expressions: { statement: [{ actions: { constant_value: ['iam:*'] }, resources: { constant_value: ['*'] } }] } }] } },
    };
    expect(checkStackPlan(withDocument, { production: false }, 'test', ['iam-no-wildcard-admin'])[0]!.message).toBe('policy document allows iam:* on *');
  });

  it('iam-role-permissions-boundary: reports roles without a permissions boundary', () => {
    const role = (values: Record<string, unknown>, unknown?: string[]): Fixture => ({ type: 'aws_iam_role', name: 'r', values: { name: 'app', ...values }, unknown });
    expect(violations([role({ permissions_boundary: 'arn:aws:iam::123456789012:policy/b' })], 'iam-role-permissions-boundary')).toEqual([]);
    expect(violations([role({}, ['permissions_boundary'])], 'iam-role-permissions-boundary')).toEqual([]);
    expect(violations([role({ permissions_boundary: null })], 'iam-role-permissions-boundary')[0]!.message).toMatch(/^role app has no permissions_boundary/);
  });

  it('github-oidc-trust-scoped: reports GitHub trusts without a subject, with patterns or StringLike', () => {
    const trust = (condition: Record<string, unknown>): Fixture => ({
      type: 'aws_iam_role', name: 'deploy',
      values: { assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Condition: condition }] }) },
    });
    const aud = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
    const rule = 'github-oidc-trust-scoped';
    expect(violations([trust({ StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': ['repo:acme/app:environment:prod', 'repo:acme/app:ref:refs/heads/main'] } })], rule)).toEqual([]);
    expect(violations([trust({ StringEquals: aud })], rule)[0]!.message).toMatch(/^GitHub OIDC trust without a condition on the token subject/);
    expect(violations([trust({ StringEquals: aud, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } })], rule)[0]!.message).toMatch(/^GitHub OIDC subject compared with StringLike/);
    expect(violations([trust({ StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } })], rule)[0]!.message).toBe('GitHub OIDC subject repo:acme/app:* is a pattern: list exact environments and branches');
    const document = (values: string[]): TerraformPlan => ({
      ...planOf([]),
      configuration: { root_module: { resources: [{ address: 'data.aws_iam_policy_document.trust', mode: 'data', type: 'aws_iam_policy_document', name: 'trust', expressions: { statement: [{
        actions: { constant_value: ['sts:AssumeRoleWithWebIdentity'] },
        condition: [{ test: { constant_value: 'StringEquals' }, variable: { constant_value: 'token.actions.githubusercontent.com:sub' }, values: { constant_value: values } }],
      }] } }] } },
    });
    expect(checkStackPlan(document(['repo:acme/app:environment:prod']), { production: false }, 'test', [rule])).toEqual([]);
    expect(checkStackPlan(document(['repo:acme/app:*']), { production: false }, 'test', [rule])).toHaveLength(1);
  });

  it('cloudtrail-hardening: reports single-region trails, missing global events and log file validation', () => {
    const trail = (values: Record<string, unknown>): Fixture => ({ type: 'aws_cloudtrail', name: 't', values: { is_multi_region_trail: true, include_global_service_events: true, enable_log_file_validation: true, enable_logging: true, ...values } });
    expect(violations([trail({})], 'cloudtrail-hardening')).toEqual([]);
    expect(violations([trail({ is_multi_region_trail: false })], 'cloudtrail-hardening')[0]!.message).toMatch(/^is_multi_region_trail is not true/);
    expect(violations([trail({ include_global_service_events: false })], 'cloudtrail-hardening')[0]!.message).toMatch(/^include_global_service_events is not true/);
    expect(violations([trail({ enable_log_file_validation: false })], 'cloudtrail-hardening')[0]!.message).toMatch(/^enable_log_file_validation is not true/);
    expect(violations([trail({ enable_logging: false })], 'cloudtrail-hardening')[0]!.message).toBe('enable_logging is false');
  });

  it('public-alb-web-acl: reports internet-facing ALBs without a web ACL, in production only', () => {
    const lb: Fixture = { type: 'aws_lb', name: 'web', values: { load_balancer_type: 'application', internal: false } };
    const internal: Fixture = { type: 'aws_lb', name: 'api', values: { load_balancer_type: 'application', internal: true } };
    expect(violations([lb, internal], 'public-alb-web-acl', true).map((v) => v.address)).toEqual(['test: aws_lb.web']);
    expect(violations([lb], 'public-alb-web-acl', false)).toEqual([]);
    const association: Fixture = { type: 'aws_wafv2_web_acl_association', name: 'web', values: {}, refs: { resource_arn: 'aws_lb.web' } };
    expect(violations([lb, association], 'public-alb-web-acl', true)).toEqual([]);
  });

  it('vpc-flow-logs: reports VPCs without flow logs', () => {
    const vpc: Fixture = { type: 'aws_vpc', name: 'main', values: {} };
    expect(violations([vpc], 'vpc-flow-logs')).toHaveLength(1);
    expect(violations([vpc, { type: 'aws_flow_log', name: 'f', values: {}, refs: { vpc_id: 'aws_vpc.main' } }], 'vpc-flow-logs')).toEqual([]);
  });

  it('cost-allocation-tags: reports taggable resources without project, environment or service', () => {
    const tagged = { project: 'acme', environment: 'prod', service: 'web' };
    expect(violations([{ type: 'aws_lb', name: 'ok', values: { tags_all: tagged } }, { type: 'aws_route', name: 'untaggable', values: {} }], 'cost-allocation-tags')).toEqual([]);
    const found = violations([{ type: 'aws_lb', name: 'bad', values: { tags_all: { project: 'acme' } } }], 'cost-allocation-tags');
    expect(found.map((v) => v.message)).toEqual(['missing tags environment, service']);
  });

  it('names unknown rules', () => {
    expect(() => checkStackPlan(planOf([]), { production: false }, 'test', ['no-such-rule'])).toThrow(/Unknown policy rule no-such-rule/);
  });
});
