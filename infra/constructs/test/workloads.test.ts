import { EcsService } from '@cdktf/provider-aws/lib/ecs-service/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { Service } from '../src/service.js';
import { WebService, MODERN_TLS_POLICY } from '../src/web-service.js';
import { Worker } from '../src/worker.js';
import { onlyResource, resourcesOf, synth, type Synthesized } from './helpers.js';

const common = {
  namePrefix: 'acme-prod',
  clusterName: 'acme-prod',
  region: 'eu-west-1',
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/beacon:3f2a91c',
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupIds: ['sg-cluster'],
};
const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/beacon-token-AbCdEf';

function containers(out: Synthesized): Array<Record<string, unknown>> {
  return JSON.parse(String(onlyResource(out, 'aws_ecs_task_definition').container_definitions)) as Array<Record<string, unknown>>;
}

describe('Service', () => {
  let service: Service | undefined;
  const out = synth((scope) => {
    service = new Service(scope, 'beacon', {
      ...common,
      name: 'beacon',
      port: 3001,
      vpcId: 'vpc-1',
      loadBalancerSecurityGroupId: 'sg-internal',
      privateZoneId: 'Zprivate',
      privateZoneName: 'stack.local',
      environment: { PGDUMMY_REGION: 'eu-west-1' },
      secrets: { BEACON_TOKEN: { arn: secretArn }, PGPASSWORD: { arn: secretArn, jsonKey: 'password' } },
    });
  });

  it('sits behind an internal ALB listening on its port, health-checked on /healthz', () => {
    expect(out.text).toHaveResourceWithProperties(Lb, { internal: true, drop_invalid_header_fields: true, name: 'acme-prod-beacon' });
    expect(out.text).toHaveResourceWithProperties(LbListener, { port: 3001, protocol: 'HTTP' });
    expect(onlyResource(out, 'aws_lb_target_group')).toMatchObject({ port: 3001, target_type: 'ip', health_check: { path: '/healthz' } });
  });

  it('logs access under its name and is deletion-protected when asked', () => {
    expect(onlyResource(out, 'aws_lb')).not.toHaveProperty('access_logs');
    expect(onlyResource(out, 'aws_lb').enable_deletion_protection).toBe(false);
    const protectedOut = synth((scope) => new Service(scope, 'beacon', {
      ...common, name: 'beacon', port: 3001, vpcId: 'vpc-1', loadBalancerSecurityGroupId: 'sg-internal', privateZoneId: 'Zprivate', privateZoneName: 'stack.local',
      accessLogBucketName: 'acme-prod-lb-logs', deletionProtection: true,
    }));
    expect(onlyResource(protectedOut, 'aws_lb')).toMatchObject({ enable_deletion_protection: true, access_logs: { bucket: 'acme-prod-lb-logs', prefix: 'beacon', enabled: true } });
  });

  it('is published as beacon.stack.local', () => {
    expect(out.text).toHaveResourceWithProperties(Route53Record, { name: 'beacon.stack.local', type: 'A', zone_id: 'Zprivate' });
    expect(service!.url).toBe('http://beacon.stack.local:3001');
  });

  it('deploys 100/200 with the circuit breaker and rollback, in private subnets without public IPs', () => {
    expect(out.text).toHaveResourceWithProperties(EcsService, {
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      deployment_circuit_breaker: { enable: true, rollback: true },
      wait_for_steady_state: true,
      network_configuration: { assign_public_ip: false, subnets: ['subnet-a', 'subnet-b'], security_groups: ['sg-cluster'] },
    });
  });

  it('runs a non-root, unprivileged container with a read-only root filesystem and secrets from Secrets Manager', () => {
    const [container] = containers(out);
    expect(container).toMatchObject({ user: '1000', privileged: false, readonlyRootFilesystem: true });
    expect(container!.secrets).toEqual([
      { name: 'BEACON_TOKEN', valueFrom: secretArn },
      { name: 'PGPASSWORD', valueFrom: `${secretArn}:password::` },
    ]);
    expect(container!.environment).toEqual([{ name: 'PGDUMMY_REGION', value: 'eu-west-1' }, { name: 'PORT', value: '3001' }]);
    expect(onlyResource(out, 'aws_ecs_task_definition')).toMatchObject({ network_mode: 'awsvpc' });
  });

  it('logs to its own group with a retention, one stream per container', () => {
    expect(onlyResource(out, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/ecs/acme-prod/beacon', retention_in_days: 30 });
    const [container] = containers(out);
    expect((container!.logConfiguration as { options: Record<string, string> }).options['awslogs-stream-prefix']).toBe('beacon');
  });

  it('lets the execution role read exactly its secrets and gives the task role nothing', () => {
    const documents = Object.values(out.json.data!.aws_iam_policy_document!);
    const read = documents.find((d) => JSON.stringify(d).includes('secretsmanager:GetSecretValue'))!;
    expect(read.statement).toEqual([{ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }]);
    expect(resourcesOf(out, 'aws_iam_role_policy')).toHaveLength(1);
    expect(resourcesOf(out, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['acme-prod-beacon-execution', 'acme-prod-beacon-task']);
  });
});

describe('task auto scaling', () => {
  const props = { ...common, name: 'worker', desiredCount: 2 };

  it('tracks CPU between the bounds and lets auto scaling own the count', () => {
    const out = synth((scope) => new Worker(scope, 'worker', { ...props, autoScaling: { minCount: 2, maxCount: 6 } }));
    expect(onlyResource(out, 'aws_appautoscaling_target')).toMatchObject({ min_capacity: 2, max_capacity: 6, scalable_dimension: 'ecs:service:DesiredCount', service_namespace: 'ecs' });
    expect(onlyResource(out, 'aws_appautoscaling_policy')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      target_tracking_scaling_policy_configuration: { target_value: 60, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' } },
    });
    expect(onlyResource(out, 'aws_ecs_service').lifecycle).toEqual({ ignore_changes: ['desired_count'] });
  });

  it('refuses a desired count outside the bounds', () => {
    expect(() => synth((scope) => new Worker(scope, 'worker', { ...props, autoScaling: { minCount: 3, maxCount: 6 } }))).toThrow(/minCount \(3\) <= desiredCount \(2\)/);
  });
});

describe('Service guards', () => {
  const props = { ...common, name: 'beacon', port: 3001, vpcId: 'vpc-1', loadBalancerSecurityGroupId: 'sg', privateZoneId: 'Z', privateZoneName: 'stack.local' };

  it('refuses secret-looking names in the plain environment', () => {
    expect(() => synth((scope) => new Service(scope, 's', { ...props, environment: { BEACON_TOKEN: 'hunter2' } }))).toThrow(/BEACON_TOKEN look secret; pass them in secrets/);
    expect(() => synth((scope) => new Service(scope, 's', { ...props, environment: { DATABASE_URL: 'postgres://a:b@c/d' } }))).toThrow(/DATABASE_URL/);
  });

  it('refuses root', () => {
    expect(() => synth((scope) => new Service(scope, 's', { ...props, user: 'root' }))).toThrow(/user "root" is root/);
    expect(() => synth((scope) => new Service(scope, 's', { ...props, user: '0:0' }))).toThrow(/is root/);
  });
});

describe('WebService', () => {
  const props = {
    ...common,
    name: 'frontend',
    port: 3000,
    vpcId: 'vpc-1',
    publicSubnetIds: ['subnet-pa', 'subnet-pb'],
    loadBalancerSecurityGroupId: 'sg-external',
    accessLogBucketName: 'acme-prod-lb-logs',
    domainName: 'acme.example.com',
    publicZoneId: 'Zpublic',
    secrets: { SESSION_SECRET: { arn: secretArn } },
  };
  const out = synth((scope) => new WebService(scope, 'frontend', { ...props, deletionProtection: true }));

  it('is internet-facing in public subnets, drops invalid headers, logs access, is deletion-protected when asked', () => {
    expect(out.text).toHaveResourceWithProperties(Lb, {
      internal: false,
      subnets: ['subnet-pa', 'subnet-pb'],
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      access_logs: { bucket: 'acme-prod-lb-logs', enabled: true, prefix: 'frontend' },
    });
  });

  it('serves HTTPS with a TLS 1.2+ policy and redirects HTTP', () => {
    expect(out.text).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', ssl_policy: MODERN_TLS_POLICY });
    expect(out.text).toHaveResourceWithProperties(LbListener, { port: 80, protocol: 'HTTP', default_action: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }] });
  });

  it('DNS-validates a new certificate in the public zone and aliases the domain', () => {
    expect(onlyResource(out, 'aws_acm_certificate')).toMatchObject({ domain_name: 'acme.example.com', validation_method: 'DNS' });
    expect(resourcesOf(out, 'aws_acm_certificate_validation')).toHaveLength(1);
    expect(out.text).toHaveResourceWithProperties(Route53Record, { name: 'acme.example.com', type: 'A', zone_id: 'Zpublic' });
  });

  it('uses an existing certificate without creating one', () => {
    const existing = synth((scope) => new WebService(scope, 'frontend', { ...props, publicZoneId: undefined, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }));
    expect(resourcesOf(existing, 'aws_acm_certificate')).toHaveLength(0);
    expect(resourcesOf(existing, 'aws_route53_record')).toHaveLength(0);
  });

  it('refuses to guess a certificate', () => {
    expect(() => synth((scope) => new WebService(scope, 'frontend', { ...props, publicZoneId: undefined }))).toThrow(/give certificateArn .* or publicZoneId/);
  });

  it('associates the load balancer with a web ACL when given one, and with none otherwise', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acme-prod/1';
    const guarded = synth((scope) => new WebService(scope, 'frontend', { ...props, webAclArn }));
    expect(onlyResource(guarded, 'aws_wafv2_web_acl_association')).toEqual({ resource_arn: expect.stringMatching(/^\$\{aws_lb\.[\w-]+\.arn\}$/), web_acl_arn: webAclArn });
    expect(resourcesOf(out, 'aws_wafv2_web_acl_association')).toHaveLength(0);
  });
});

describe('Worker', () => {
  it('runs without a load balancer, one task by default, with its command, environment and secrets', () => {
    const out = synth((scope) => new Worker(scope, 'worker', {
      ...common,
      name: 'worker',
      command: ['node', 'dist/main.js'],
      environment: { BEACON_URLS: 'eu-west-1=http://beacon.stack.local:3001' },
      secrets: { BEACON_TOKEN: { arn: secretArn } },
    }));
    expect(resourcesOf(out, 'aws_lb')).toHaveLength(0);
    const service = onlyResource(out, 'aws_ecs_service');
    expect(service.desired_count).toBe(1);
    expect(service.load_balancer).toBeUndefined();
    const [container] = containers(out);
    expect(container).toMatchObject({ command: ['node', 'dist/main.js'], portMappings: [] });
    expect(container!.environment).toEqual([{ name: 'BEACON_URLS', value: 'eu-west-1=http://beacon.stack.local:3001' }]);
  });
});
