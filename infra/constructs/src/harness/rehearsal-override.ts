import type { RehearsalException } from './rehearsal-exceptions.js';

/** A synthesized stack as the rehearsal reads and rewrites it. */
export interface StackConfig {
  readonly provider?: { readonly aws?: Array<Record<string, unknown>> };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: { readonly terraform_remote_state?: Record<string, unknown> };
  readonly [key: string]: unknown;
}

/** AWS services the stacks use: each one is pointed at moto (provider `endpoints`). */
export const REHEARSAL_SERVICES = [
  'acm', 'applicationautoscaling', 'autoscaling', 'cloudtrail', 'cloudwatch', 'configservice', 'ec2', 'ecr', 'ecs', 'elbv2', 'fis',
  'guardduty', 'iam', 'kms', 'logs', 'rds', 'route53', 's3', 's3control', 'secretsmanager', 'sns', 'ssm', 'sts', 'wafv2',
] as const;

/**
 * The stack as rehearsed: the resource types the exceptions exclude are removed. Fails, naming
 * both, when a remaining part of the stack references an excluded resource.
 */
export function withoutExcludedResources(stack: StackConfig, exceptions: readonly RehearsalException[]): { config: StackConfig; excluded: string[] } {
  const excludedTypes = new Set(exceptions.filter((e) => e.kind === 'exclude').map((e) => e.resourceType));
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  const excluded: string[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    if (excludedTypes.has(type)) excluded.push(...Object.keys(byName).map((name) => `${type}.${name}`));
    else resource[type] = byName;
  }
  // An ordering-only reference (`depends_on`) to an excluded resource is dropped with it; any other
  // reference still fails below, since the rehearsal cannot invent the values it would read.
  const isExcluded = (entry: unknown) => typeof entry === 'string' && excluded.includes(entry);
  for (const byName of Object.values(resource)) {
    for (const [name, body] of Object.entries(byName)) {
      const dependsOn = body.depends_on;
      if (Array.isArray(dependsOn) && dependsOn.some(isExcluded)) byName[name] = { ...body, depends_on: dependsOn.filter((entry) => !isExcluded(entry)) };
    }
  }
  const config: StackConfig = { ...stack, resource };
  const text = JSON.stringify(config);
  for (const address of excluded) {
    if (text.includes(`${address}.`) || text.includes(`${address}"`)) {
      throw new Error(`The rehearsal excludes ${address} (moto cannot hold it), but the stack still references it: exclude the referencing resource too (REHEARSAL_EXCEPTIONS)`);
    }
  }
  return { config, excluded };
}

/**
 * - `deploy`: apply and the second plan (ignored attributes, deploy-phase arguments);
 * - `teardown`: the same plus the teardown-phase arguments and `prevent_destroy` lifted;
 * - `production`: provider, state and remote state only, every lifecycle as in production (the
 *   refusal check: a plain `plan -destroy` must fail on the protected resources).
 */
export type RehearsalPhase = 'deploy' | 'teardown' | 'production';

export interface RehearsalOverrideOptions {
  readonly phase: RehearsalPhase;
  /** Endpoint of the moto server answering as the stack's account, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Local state file of a stack, by stack name (this stack's and the ones it reads). */
  readonly statePath: (stackName: string) => string;
  readonly exceptions: readonly RehearsalException[];
}

/**
 * Terraform override (merged over the rehearsal copy of `cdk.tf.json`) that applies a stack to
 * moto: every service endpoint on moto, dummy credentials, few retries (moto answers HTTP 500 for
 * what it does not implement: the default retries wait 25+ minutes), local state, remote state
 * read from the producer stacks' local states. The account guard (`allowed_account_ids`) is kept:
 * each account has its own moto server, answering as that account.
 */
export function rehearsalOverride(stack: StackConfig, options: RehearsalOverrideOptions, stackName: string): Record<string, unknown> {
  const endpoints = Object.fromEntries(REHEARSAL_SERVICES.map((service) => [service, options.endpoint]));
  const providers = (stack.provider?.aws ?? [{}]).map((config) => ({
    ...(config.alias ? { alias: config.alias } : {}),
    access_key: 'rehearsal',
    secret_key: 'rehearsal',
    skip_metadata_api_check: true,
    s3_use_path_style: true,
    max_retries: 2,
    endpoints: [endpoints],
  }));
  const override: Record<string, unknown> = {
    terraform: { backend: { local: { path: options.statePath(stackName) } } },
    provider: { aws: providers },
  };
  const remoteStates = Object.keys(stack.data?.terraform_remote_state ?? {});
  if (remoteStates.length > 0) {
    override.data = {
      terraform_remote_state: Object.fromEntries(remoteStates.map((name) => {
        const producer = name.replace(/^cross-stack-reference-input-/, '');
        return [name, { backend: 'local', config: { path: options.statePath(producer) } }];
      })),
    };
  }
  if (options.phase !== 'production') {
    const resources = resourceOverrides(stack, options.phase, options.exceptions);
    if (Object.keys(resources).length > 0) override.resource = resources;
  }
  return override;
}

function resourceOverrides(stack: StackConfig, phase: 'deploy' | 'teardown', exceptions: readonly RehearsalException[]): Record<string, Record<string, Record<string, unknown>>> {
  const result: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      const lifecycle = (resource.lifecycle ?? {}) as { ignore_changes?: string[] | string; prevent_destroy?: boolean };
      const entry: Record<string, unknown> = {};
      const ignored = exceptions.flatMap((e) => (e.kind === 'ignore' && e.resourceType === type && (!e.onlyWhenSet || e.onlyWhenSet in resource) ? e.attributes : []));
      const lifecycleOverride: Record<string, unknown> = {};
      // An override replaces ignore_changes whole: keep the stack's own entries.
      if (ignored.length > 0 && lifecycle.ignore_changes !== 'all') {
        lifecycleOverride.ignore_changes = [...new Set([...(lifecycle.ignore_changes ?? []), ...ignored])];
      }
      if (phase === 'teardown' && lifecycle.prevent_destroy) lifecycleOverride.prevent_destroy = false;
      if (Object.keys(lifecycleOverride).length > 0) entry.lifecycle = lifecycleOverride;
      for (const exception of exceptions) {
        if (exception.kind !== 'set' || exception.resourceType !== type) continue;
        if (exception.phase === 'deploy' || phase === 'teardown') Object.assign(entry, exception.values);
      }
      if (Object.keys(entry).length > 0) (result[type] ??= {})[name] = entry;
    }
  }
  return result;
}

/** The account a stack's provider is allowed to use (`allowed_account_ids`), if it says. */
export function stackAccount(stack: StackConfig): string | undefined {
  return (stack.provider?.aws?.[0]?.allowed_account_ids as string[] | undefined)?.[0];
}

/** Addresses of the resources a stack protects with `prevent_destroy`. */
export function protectedResources(stack: StackConfig): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).filter(([, resource]) => (resource.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true).map(([name]) => `${type}.${name}`),
  );
}

/** Whether the teardown phase changes anything in AWS before `destroy` (deletion protection on). */
export function needsRelease(stack: StackConfig, exceptions: readonly RehearsalException[]): boolean {
  return exceptions.some((exception) => exception.kind === 'set' && exception.phase === 'teardown' &&
    Object.values(stack.resource?.[exception.resourceType] ?? {}).some((resource) =>
      Object.entries(exception.values).some(([key, value]) => key in resource && resource[key] !== value)));
}
