import type { ECSClient, Deployment } from '@aws-sdk/client-ecs';

export interface RolloutCheck {
  readonly client: ECSClient;
  readonly cluster: string;
  readonly services: readonly string[];
  /** The image tag every container of each service's task definition must carry. */
  readonly tag: string;
  /**
   * How long to wait for rollouts still in progress.
   * @default 15 minutes
   */
  readonly timeoutMs?: number;
  /** @default 10 seconds */
  readonly pollMs?: number;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

type ServiceState =
  | { readonly kind: 'done'; readonly fact: string }
  | { readonly kind: 'waiting'; readonly why: string }
  | { readonly kind: 'failed'; readonly why: string };

/**
 * Waits until every service runs the new tag and nothing else: one deployment left (the PRIMARY),
 * its rollout COMPLETED, as many tasks running as wanted, and every container image of its task
 * definition tagged `tag`. Fails at once when a rollout FAILED or when the service settled on
 * another tag (the circuit breaker rolled back), so `deploy` cannot end green on the old version:
 * Terraform's `wait_for_steady_state` is satisfied by a rolled-back service, this is not.
 * Returns one line per service.
 */
export async function assertServicesRolledOut(check: RolloutCheck): Promise<string[]> {
  const deadline = Date.now() + (check.timeoutMs ?? 15 * 60_000);
  const done = new Map<string, string>();
  for (;;) {
    const pending = check.services.filter((service) => !done.has(service));
    const states = await Promise.all(pending.map(async (service) => [service, await serviceState(check, service)] as const));
    const failed = states.filter(([, state]) => state.kind === 'failed').map(([service, state]) => `${service}: ${(state as { why: string }).why}`);
    if (failed.length > 0) throw new Error(`deploy of ${check.tag} did not roll out on ${check.cluster}: ${failed.join('; ')}`);
    for (const [service, state] of states) if (state.kind === 'done') done.set(service, state.fact);
    const waiting = states.filter(([, state]) => state.kind === 'waiting').map(([service, state]) => `${service}: ${(state as { why: string }).why}`);
    if (waiting.length === 0) return check.services.map((service) => done.get(service)!);
    if (Date.now() > deadline) throw new Error(`deploy of ${check.tag} not stable on ${check.cluster} in time: ${waiting.join('; ')}`);
    check.log?.(`waiting for ${waiting.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, check.pollMs ?? 10_000));
  }
}

async function serviceState(check: RolloutCheck, service: string): Promise<ServiceState> {
  const { DescribeServicesCommand, DescribeTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
  const live = (await check.client.send(new DescribeServicesCommand({ cluster: check.cluster, services: [service] }))).services?.[0];
  if (!live || live.status !== 'ACTIVE') return { kind: 'failed', why: `service is ${live?.status ?? 'missing'}` };
  const deployments = live.deployments ?? [];
  const primary = deployments.find((deployment) => deployment.status === 'PRIMARY');
  if (!primary?.taskDefinition) return { kind: 'failed', why: 'no PRIMARY deployment' };
  const images = ((await check.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }))).taskDefinition?.containerDefinitions ?? [])
    .map((container) => container.image ?? '');
  const onTag = images.length > 0 && images.every((image) => image.endsWith(`:${check.tag}`));
  if (primary.rolloutState === 'FAILED') return { kind: 'failed', why: `rollout FAILED (${primary.rolloutStateReason ?? 'no reason given'})` };
  if (!onTag) {
    // A settled PRIMARY on another tag is the circuit breaker's rollback; an unsettled one may still be replaced.
    return primary.rolloutState === 'COMPLETED'
      ? { kind: 'failed', why: `runs ${images.join(', ')}, not tag ${check.tag}: the deployment was rolled back` }
      : { kind: 'waiting', why: `PRIMARY deployment runs ${images.join(', ')}` };
  }
  const running = `${primary.runningCount ?? 0} of ${primary.desiredCount ?? 0} tasks running`;
  if (primary.rolloutState !== 'COMPLETED' || (primary.runningCount ?? 0) < (primary.desiredCount ?? 0)) {
    return { kind: 'waiting', why: `rollout ${primary.rolloutState ?? 'unknown'}, ${running}` };
  }
  const draining = deployments.filter((deployment: Deployment) => deployment !== primary);
  if (draining.length > 0) return { kind: 'waiting', why: `${draining.length} older deployment(s) still draining` };
  return { kind: 'done', fact: `service ${service} rolled out on tag ${check.tag} (${running})` };
}
