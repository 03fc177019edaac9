import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Testing } from 'cdktf';
import { PingdummyStack, type PingdummyStackProps } from '../src/pingdummy-stack.js';

const props: PingdummyStackProps = {
  name: 'pingdummy', environment: 'prod', accountId: '333344445555', region: 'eu-west-1',
  domainName: 'pingdummy.example.com', imageTag: '3f2a91c0ab12',
};

type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, unknown>> };

function build(overrides: Partial<PingdummyStackProps> = {}) {
  const outdir = Testing.app().outdir;
  const app = new App({ outdir, stackTraces: false });
  const pingdummy = new PingdummyStack(app, 'pingdummy', { ...props, ...overrides });
  // A full synth, so cross-stack references become remote state as in `cdktf deploy`.
  app.synth();
  const json = (stack: import('cdktf').TerraformStack) => JSON.parse(readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')) as StackJson;
  return { pingdummy, base: json(pingdummy.base), data: json(pingdummy.data), app: json(pingdummy.app) };
}

function container(app: StackJson, service: string): { environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string; valueFrom: string }>; image: string } {
  const definition = Object.values(app.resource.aws_ecs_task_definition!).find((t) => t.family === `pingdummy-prod-${service}`)!;
  return (JSON.parse(String(definition.container_definitions)) as Array<ReturnType<typeof container>>)[0]!;
}

describe('PingdummyStack', () => {
  const { pingdummy, base, data, app } = build();

  it('splits the environment into base, data and app stacks with separate states', () => {
    expect([pingdummy.base, pingdummy.data, pingdummy.app].map((s) => s.node.id)).toEqual(['pingdummy-prod-base', 'pingdummy-prod-data', 'pingdummy-prod-app']);
    expect(Object.keys(data.resource)).toEqual(expect.arrayContaining(['aws_db_instance', 'aws_secretsmanager_secret']));
    expect(app.resource.aws_db_instance).toBeUndefined();
    expect(app.resource.aws_vpc).toBeUndefined();
    expect(base.resource.aws_ecs_service).toBeUndefined();
    // The app reads base and data through remote state: it can reference them, never change them.
    expect(Object.keys(app.data!.terraform_remote_state!).sort()).toEqual(['cross-stack-reference-input-pingdummy-prod-base', 'cross-stack-reference-input-pingdummy-prod-data']);
    expect(Object.keys(data.data!.terraform_remote_state!)).toEqual(['cross-stack-reference-input-pingdummy-prod-base']);
  });

  it('runs beacon on 3001 as beacon.stack.local, frontend on 3000 behind the public ALB, and the worker', () => {
    expect(Object.values(app.resource.aws_ecs_service!).map((s) => s.name).sort()).toEqual(['beacon', 'frontend', 'worker']);
    expect(Object.values(app.resource.aws_route53_record!).map((r) => r.name)).toEqual(expect.arrayContaining(['beacon.stack.local', 'pingdummy.example.com']));
    expect(Object.values(app.resource.aws_lb!).map((lb) => [lb.name, lb.internal]).sort()).toEqual([['pingdummy-prod-beacon', true], ['pingdummy-prod-frontend', false]]);
  });

  it('wires the worker to the beacon by name and region, and the metric namespace of the overdue-checks alarm', () => {
    const worker = container(app, 'worker');
    const env = Object.fromEntries(worker.environment.map((e) => [e.name, e.value]));
    expect(env.BEACON_URLS).toBe('eu-west-1=http://beacon.stack.local:3001');
    expect(env.CLOUDWATCH_NAMESPACE).toBe('Pingdummy');
    expect(env.ENVIRONMENT).toBe('prod');
    expect(worker.secrets.map((s) => s.name).sort()).toEqual(['BEACON_TOKEN', 'DATABASE_URL']);
    expect(env.DATABASE_IAM_AUTH).toBe('true');
  });

  it('gives each service the secrets it reads, never as plain environment', () => {
    expect(container(app, 'beacon').secrets.map((s) => s.name)).toEqual(['BEACON_TOKEN']);
    expect(Object.fromEntries(container(app, 'beacon').environment.map((e) => [e.name, e.value]))).toEqual({ PGDUMMY_REGION: 'eu-west-1', PORT: '3001' });
    expect(container(app, 'frontend').secrets.map((s) => s.name).sort()).toEqual(['DATABASE_URL', 'SESSION_SECRET']);
    expect(Object.fromEntries(container(app, 'frontend').environment.map((e) => [e.name, e.value]))).toMatchObject({ DATABASE_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' });
  });

  it('lets the worker and the frontend task roles connect to the database as the app role, and nothing else', () => {
    const documents = Object.entries(app.data!.aws_iam_policy_document!).map(([id, d]) => ({ id, text: JSON.stringify(d) }));
    const connecting = documents.filter((d) => d.text.includes('rds-db:connect')).map((d) => d.id.split('_')[0]).sort();
    expect(connecting).toEqual(['frontend', 'worker']);
    expect(documents.find((d) => d.text.includes('rds-db:connect'))!.text).toMatch(/dbuser:.*\/app/);
  });

  it('tells the frontend it sits behind one proxy (the ALB), so client addresses come from its X-Forwarded-For entry', () => {
    const env = Object.fromEntries(container(app, 'frontend').environment.map((e) => [e.name, e.value]));
    expect(env).toEqual({ PUBLIC_URL: 'https://pingdummy.example.com', TRUST_PROXY_HOPS: '1', PORT: '3000', AWS_REGION: 'eu-west-1', DATABASE_IAM_AUTH: 'true' });
  });

  it('deploys images of the given tag from the registry', () => {
    expect(container(app, 'frontend').image).toMatch(/:3f2a91c0ab12$/);
    expect(Object.values(base.resource.aws_ecr_repository!).map((r) => r.name).sort()).toEqual(['pingdummy/beacon', 'pingdummy/frontend', 'pingdummy/worker']);
  });

  it('protects production data: multi-AZ, deletion protection, prevent_destroy, 14 days of backups', () => {
    expect(Object.values(data.resource.aws_db_instance!)[0]).toMatchObject({ multi_az: true, deletion_protection: true, backup_retention_period: 14, lifecycle: { prevent_destroy: true } });
    expect(Object.values(app.resource.aws_lb!).find((lb) => lb.internal === false)).toMatchObject({ enable_deletion_protection: true });
  });

  it('adds alarms and chaos experiments stopped by critical alarms', () => {
    expect(Object.keys(app.resource.aws_cloudwatch_metric_alarm!).length).toBeGreaterThan(20);
    const templates = Object.values(app.resource.aws_fis_experiment_template!);
    expect(templates).toHaveLength(5);
    expect(templates.every((t) => JSON.stringify(t.stop_condition).includes('aws_cloudwatch_composite_alarm'))).toBe(true);
  });

  it('refuses at synth a cluster too small for the services at their maximum counts', () => {
    const prodSizes = { frontend: { desiredCount: 3, maxCount: 9, cpu: 512, memory: 1024 }, beacon: { desiredCount: 3, maxCount: 6 }, worker: { desiredCount: 2, maxCount: 4, cpu: 512, memory: 1024 } };
    expect(() => build({ ...prodSizes, instanceType: 't3.large', minInstances: 3, maxInstances: 9 })).toThrow(/do not fit 9 × t3\.large.*tasks 28 > 18/);
    expect(() => build({ ...prodSizes, instanceType: 'm5.large', eniTrunking: true, minInstances: 3, maxInstances: 9 })).not.toThrow();
  });

  it('refuses moving image tags', () => {
    expect(() => build({ imageTag: 'latest' })).toThrow(/IMAGE_TAG "latest" names a moving target/);
  });

  it('is cheaper and unprotected in stage', () => {
    const stage = build({ environment: 'stage' });
    expect(Object.values(stage.data.resource.aws_db_instance!)[0]).toMatchObject({ multi_az: false, deletion_protection: false, backup_retention_period: 7 });
    expect(Object.keys(stage.base.resource.aws_nat_gateway!)).toHaveLength(1);
  });
});
