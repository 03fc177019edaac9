import { App, Testing } from 'cdktf';
import { Stack } from '../src/stack.js';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
function synthStack(build: (app: App) => Stack): { json: { resource: Resources; output: Record<string, unknown> }; stack: Stack } {
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
  const stack = build(app);
  return { json: JSON.parse(Testing.synth(stack)) as { resource: Resources; output: Record<string, unknown> }, stack };
}

describe('Stack', () => {
  it('builds a whole base environment from the five-line program of the README', () => {
    const { json } = synthStack((app) => {
      // --- the README example, verbatim ---
      const stack = new Stack(app, 'acme', { environment: 'stage', accountId: '123456789012', region: 'eu-west-1' });
      // ---
      return stack;
    });
    const types = Object.keys(json.resource).sort();
    for (const type of ['aws_vpc', 'aws_security_group', 'aws_autoscaling_group', 'aws_route53_zone', 'aws_s3_bucket', 'aws_ecs_cluster', 'aws_ecr_repository', 'aws_sns_topic', 'aws_flow_log']) {
      expect(types).toContain(type);
    }
    expect(Object.keys(json.resource.aws_nat_gateway!)).toHaveLength(1);
    expect(Object.keys(json.resource.aws_subnet!)).toHaveLength(6);
  });

  it('mirrors the outputs of Segment Stack', () => {
    const { json } = synthStack((app) => new Stack(app, 'acme', { environment: 'prod', accountId: '123456789012', region: 'eu-west-1', domainName: 'acme.example.com' }));
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining([
      'vpc_id', 'public_subnet_ids', 'private_subnet_ids', 'availability_zones', 'cluster_name', 'private_zone_id', 'public_zone_id', 'domain_name',
      'external_lb_security_group_id', 'internal_lb_security_group_id', 'cluster_security_group_id', 'log_bucket_name', 'environment', 'region',
    ]));
  });

  it('uses production defaults in prod: a NAT gateway per zone, protection, longer log retention', () => {
    const { json, stack } = synthStack((app) => new Stack(app, 'acme', { environment: 'prod', accountId: '123456789012', region: 'eu-west-1' }));
    expect(Object.keys(json.resource.aws_nat_gateway!)).toHaveLength(3);
    expect(stack.protect).toBe(true);
    expect(stack.logRetentionDays).toBe(90);
  });

  it('protects in prod what cannot be recreated as it was: the public zone (its delegation), the log and CloudTrail buckets, the repositories', () => {
    const preventDestroy = (json: { resource: Resources }, type: string) =>
      Object.values(json.resource[type]!).map((r) => (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy ?? false);
    const prod = synthStack((app) => new Stack(app, 'acme', { environment: 'prod', accountId: '123456789012', region: 'eu-west-1', domainName: 'acme.example.com' })).json;
    const publicZone = (json: { resource: Resources }) => ({ resource: { z: Object.fromEntries(Object.entries(json.resource.aws_route53_zone!).filter(([, z]) => z.name === 'acme.example.com')) } });
    expect(preventDestroy(publicZone(prod), 'z')).toEqual([true]);
    expect(preventDestroy(prod, 'aws_s3_bucket')).toEqual([true, true]);
    expect(preventDestroy(prod, 'aws_ecr_repository')).toEqual([true]);
    const stage = synthStack((app) => new Stack(app, 'acme', { environment: 'stage', accountId: '123456789012', region: 'eu-west-1', domainName: 'acme.example.com' })).json;
    expect([...preventDestroy(publicZone(stage), 'z'), ...preventDestroy(stage, 'aws_s3_bucket'), ...preventDestroy(stage, 'aws_ecr_repository')]).toEqual([false, false, false]);
  });

  it('outputs the name servers of the public zone it creates, to delegate the domain to', () => {
    const { json } = synthStack((app) => new Stack(app, 'acme', { environment: 'prod', accountId: '123456789012', region: 'eu-west-1', domainName: 'acme.example.com' }));
    expect(JSON.stringify(json.output.public_zone_name_servers)).toMatch(/aws_route53_zone\.[^.]*public-zone[^.]*\.name_servers/);
  });

  it('tags instances and volumes launched by auto-scaling groups, which provider default tags miss', () => {
    const { json } = synthStack((app) => new Stack(app, 'acme', { environment: 'prod', accountId: '123456789012', region: 'eu-west-1' }));
    const specifications = Object.values(json.resource.aws_launch_template!).flatMap((t) => t.tag_specifications as Array<{ resource_type: string; tags: Record<string, string> }>);
    expect(specifications.map((s) => s.resource_type).sort()).toEqual(['instance', 'instance', 'volume', 'volume']);
    expect(specifications.every((s) => s.tags.project === 'acme' && s.tags.environment === 'prod' && ['cluster', 'bastion'].includes(s.tags.service!))).toBe(true);
  });

  it('takes overrides', () => {
    const { json } = synthStack((app) => new Stack(app, 'acme', {
      environment: 'stage', accountId: '123456789012', region: 'us-east-1',
      availabilityZones: ['us-east-1a', 'us-east-1b'], cidr: '10.50.0.0/16', instanceType: 't3.small', repositories: ['acme/api'],
    }));
    expect(Object.values(json.resource.aws_vpc!)[0]).toMatchObject({ cidr_block: '10.50.0.0/16' });
    expect(Object.values(json.resource.aws_launch_template!).map((t) => t.instance_type)).toContain('t3.small');
    expect(Object.values(json.resource.aws_ecr_repository!).map((r) => r.name)).toEqual(['acme/api']);
  });
});
