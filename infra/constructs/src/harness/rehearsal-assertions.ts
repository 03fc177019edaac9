import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { assertServicesRolledOut } from '../deploy/services-rolled-out.js';
import { REHEARSAL_CREDENTIALS } from './moto-server.js';
import type { StackConfig } from './rehearsal-override.js';

export interface RehearsalAssertionOptions {
  /** Endpoint of the moto server answering as the environment's account. */
  readonly endpoint: string;
  readonly region: string;
  /** The synthesized stacks: what they declare is what moto must now hold. */
  readonly stacks: readonly StackConfig[];
  /** The image tag every task definition must carry. */
  readonly imageTag: string;
}

type Resource = Record<string, unknown>;

const byNumber = (a: number, b: number) => a - b;

/** Family of the task definition a service references (`${aws_ecs_task_definition.<name>.arn}`). */
function familyOf(stacks: readonly StackConfig[], reference: string): string {
  const name = /aws_ecs_task_definition\.([^.]+)\./.exec(reference)?.[1] ?? '';
  const definition = stacks.map((stack) => stack.resource?.aws_ecs_task_definition?.[name]).find(Boolean);
  return String(definition?.family ?? reference);
}

/** Every resource of a type over all stacks. */
function declared(stacks: readonly StackConfig[], type: string): Resource[] {
  return stacks.flatMap((stack) => Object.values(stack.resource?.[type] ?? {}));
}

/**
 * What the checks below cannot see on moto 5.x, which does not keep it (proven by the unit tests
 * and the plan policy checks instead).
 */
export const NOT_CHECKABLE_ON_MOTO = [
  "ECS services' deployment configuration (circuit breaker, rollback): moto keeps no deploymentConfiguration",
  "tasks really starting: moto runs none and reports every service's largest desired count as running (MOTO_ECS_SERVICE_RUNNING), so the rollout gate sees COMPLETED",
  "the private zone's VPC association: moto marks a zone private only when asked explicitly, which the provider does not do",
] as const;

/**
 * Checks through moto's API (AWS SDK v3 clients on the local endpoint) that the applied
 * environment holds what the stacks declare: the cluster; the services with their desired counts,
 * task definitions, target groups and network; task definitions carrying the image tag; load balancers with their
 * listeners and target groups; the private zone with its records; the database with its managed
 * master secret; the alarms and their topics. Returns one line per fact checked; fails listing
 * every fact that does not hold.
 */
export async function assertRehearsedEnvironment(options: RehearsalAssertionOptions): Promise<string[]> {
  const client = { endpoint: options.endpoint, region: options.region, credentials: REHEARSAL_CREDENTIALS, maxAttempts: 1 };
  const facts: string[] = [];
  const failures: string[] = [];
  const expect = (ok: boolean, fact: string, actual: unknown) => {
    if (ok) facts.push(fact);
    else failures.push(`${fact}: found ${JSON.stringify(actual)}`);
  };
  const { stacks } = options;

  const ecs = new ECSClient(client);
  for (const cluster of declared(stacks, 'aws_ecs_cluster')) {
    const name = String(cluster.name);
    const found = (await ecs.send(new DescribeClustersCommand({ clusters: [name] }))).clusters?.[0];
    expect(found?.status === 'ACTIVE', `cluster ${name} is ACTIVE`, found?.status);
    for (const service of declared(stacks, 'aws_ecs_service')) {
      const serviceName = String(service.name);
      const live = (await ecs.send(new DescribeServicesCommand({ cluster: name, services: [serviceName] }))).services?.[0];
      expect(live?.status === 'ACTIVE' && live.desiredCount === service.desired_count, `service ${serviceName} is ACTIVE and wants ${String(service.desired_count)} tasks`, { status: live?.status, desiredCount: live?.desiredCount });
      const family = familyOf(stacks, String(service.task_definition));
      expect(Boolean(live?.taskDefinition?.includes(`:task-definition/${family}:`)), `service ${serviceName} runs task definition ${family}`, live?.taskDefinition);
      const balanced = ((service.load_balancer as unknown[] | undefined) ?? []).length;
      expect((live?.loadBalancers ?? []).length === balanced, `service ${serviceName} is behind ${balanced} target group(s)`, live?.loadBalancers);
      expect(live?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp !== 'ENABLED', `service ${serviceName} tasks get no public IP`, live?.networkConfiguration);
    }
    // The deploy's own gate, on moto: every service's PRIMARY deployment on the tag, nothing else left.
    try {
      const services = declared(stacks, 'aws_ecs_service').map((service) => String(service.name));
      facts.push(...await assertServicesRolledOut({ client: ecs, cluster: name, services, tag: options.imageTag, timeoutMs: 5_000, pollMs: 1_000 }));
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  for (const taskDefinition of declared(stacks, 'aws_ecs_task_definition')) {
    const family = String(taskDefinition.family);
    const live = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))).taskDefinition;
    const images = (live?.containerDefinitions ?? []).map((container) => container.image ?? '');
    expect(images.length > 0 && images.every((image) => image.endsWith(`:${options.imageTag}`)), `task definition ${family} runs image tag ${options.imageTag}`, images);
  }

  const elb = new ElasticLoadBalancingV2Client(client);
  const loadBalancers = declared(stacks, 'aws_lb');
  if (loadBalancers.length > 0) {
    const live = (await elb.send(new DescribeLoadBalancersCommand({ Names: loadBalancers.map((lb) => String(lb.name)) }))).LoadBalancers ?? [];
    expect(live.length === loadBalancers.length, `${loadBalancers.length} load balancers exist`, live.map((lb) => lb.LoadBalancerName));
    const livePorts: number[] = [];
    for (const lb of live) {
      const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? [];
      expect(listeners.length > 0, `load balancer ${lb.LoadBalancerName} listens on ${listeners.map((l) => l.Port).join(', ')}`, listeners.length);
      livePorts.push(...listeners.map((l) => l.Port ?? 0));
    }
    const listenerPorts = declared(stacks, 'aws_lb_listener').map((l) => Number(l.port)).sort(byNumber);
    expect(JSON.stringify(livePorts.sort(byNumber)) === JSON.stringify(listenerPorts), `listeners on ports ${listenerPorts.join(', ')}`, livePorts);
  }
  const targetGroupPorts = declared(stacks, 'aws_lb_target_group').map((group) => Number(group.port)).sort(byNumber);
  const liveGroups = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  expect(JSON.stringify(liveGroups.map((g) => g.Port ?? 0).sort(byNumber)) === JSON.stringify(targetGroupPorts), `target groups on ports ${targetGroupPorts.join(', ')}`, liveGroups.map((g) => g.Port));
  expect(liveGroups.every((g) => (g.LoadBalancerArns ?? []).length > 0), 'every target group is behind a load balancer', liveGroups.map((g) => g.LoadBalancerArns));

  const route53 = new Route53Client(client);
  for (const zone of declared(stacks, 'aws_route53_zone').filter((z) => z.vpc !== undefined)) {
    const zoneName = `${String(zone.name)}.`;
    const live = (await route53.send(new ListHostedZonesByNameCommand({ DNSName: zoneName }))).HostedZones?.find((z) => z.Name === zoneName);
    // moto marks a zone private only when asked with HostedZoneConfig.PrivateZone, which AWS derives
    // from the VPC and the provider does not send: the VPC association is not checkable here.
    expect(live !== undefined, `private zone ${zoneName} exists`, live);
    const records = live?.Id ? (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: live.Id }))).ResourceRecordSets ?? [] : [];
    for (const record of declared(stacks, 'aws_route53_record').filter((r) => String(r.name).endsWith(`.${String(zone.name)}`))) {
      const name = `${String(record.name)}.`;
      const found = records.find((r) => r.Name === name && r.Type === record.type);
      expect(found !== undefined, `record ${name} ${String(record.type)} in ${zoneName}`, records.map((r) => `${r.Name} ${r.Type}`));
    }
  }

  const rds = new RDSClient(client);
  for (const database of declared(stacks, 'aws_db_instance')) {
    const identifier = String(database.identifier);
    const live = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];
    expect(live?.DBInstanceStatus === 'available', `database ${identifier} is available`, live?.DBInstanceStatus);
    if (database.manage_master_user_password === true) {
      expect(Boolean(live?.MasterUserSecret?.SecretArn), `database ${identifier} has its RDS-managed master secret`, live?.MasterUserSecret);
    }
    expect(live?.StorageEncrypted === true && live.PubliclyAccessible === false, `database ${identifier} is encrypted and private`, { encrypted: live?.StorageEncrypted, public: live?.PubliclyAccessible });
    expect(live?.MultiAZ === (database.multi_az ?? false), `database ${identifier} multi-AZ is ${String(database.multi_az ?? false)}`, live?.MultiAZ);
  }

  const sns = new SNSClient(client);
  const topicArns = (await sns.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn ?? '') ?? [];
  for (const topic of declared(stacks, 'aws_sns_topic')) {
    expect(topicArns.some((arn) => arn.endsWith(`:${String(topic.name)}`)), `topic ${String(topic.name)} exists`, topicArns);
  }
  const cloudwatch = new CloudWatchClient(client);
  const alarmNames = declared(stacks, 'aws_cloudwatch_metric_alarm').map((alarm) => String(alarm.alarm_name));
  const liveAlarms = [];
  for (let i = 0; i < alarmNames.length; i += 100) {
    liveAlarms.push(...((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100) }))).MetricAlarms ?? []));
  }
  expect(liveAlarms.length === alarmNames.length, `${alarmNames.length} metric alarms exist`, liveAlarms.length);
  const unrouted = liveAlarms.filter((alarm) => !(alarm.AlarmActions ?? []).some((action) => topicArns.includes(action))).map((alarm) => alarm.AlarmName);
  expect(unrouted.length === 0, 'every metric alarm notifies one of the topics', unrouted);

  if (failures.length > 0) throw new Error(`The rehearsed environment does not hold what the stacks declare:\n- ${failures.join('\n- ')}`);
  return facts;
}
