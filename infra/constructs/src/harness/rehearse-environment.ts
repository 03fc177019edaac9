import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveImageTag } from '../image-tag.js';
import { startMotoServer, type MotoServer } from './moto-server.js';
import { assertRehearsedEnvironment } from './rehearsal-assertions.js';
import { REHEARSAL_EXCEPTIONS, type RehearsalException } from './rehearsal-exceptions.js';
import { needsRelease, protectedResources, rehearsalOverride, stackAccount, withoutExcludedResources, type RehearsalPhase, type StackConfig } from './rehearsal-override.js';
import { OVERRIDE_FILE } from './overrides.js';
import { findProviderMirror } from './provider-mirror.js';
import { run, writeCliConfig } from './terraform-cli.js';

export interface RehearseEnvironmentOptions {
  /** Folder of the environment program (holds `main.ts`). */
  readonly envDir: string;
  /**
   * Image tag the program is synthesized with; the task definitions must carry it.
   * @default resolveImageTag() - IMAGE_TAG, else the current git commit
   */
  readonly imageTag?: string;
  /**
   * Folder of the Terraform filesystem mirror.
   * @default - TF_PROVIDER_MIRROR, else a mirror found in the usual places, else the public registry
   */
  readonly providerMirror?: string;
  /** @default REHEARSAL_EXCEPTIONS */
  readonly exceptions?: readonly RehearsalException[];
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** What happened to one stack. */
export interface StackRehearsal {
  readonly stack: string;
  /** Resources created by `apply`. */
  readonly applied: number;
  /** Resources removed by `destroy`. */
  readonly destroyed: number;
  /** Addresses left out of the rehearsal (REHEARSAL_EXCEPTIONS). */
  readonly excluded: string[];
  /** Addresses a plain `plan -destroy` refused to destroy (prevent_destroy). */
  readonly refusedDestroy: string[];
  /** Seconds per step; `total` is the stack's own work (init + apply + plan + refusal check + release + destroy). */
  readonly seconds: { readonly init: number; readonly apply: number; readonly plan: number; readonly guard: number; readonly release: number; readonly destroy: number; readonly total: number };
}

export interface EnvironmentRehearsal {
  readonly environment: string;
  readonly imageTag: string;
  readonly stacks: StackRehearsal[];
  /** Facts checked through moto's API after apply. */
  readonly assertions: string[];
  readonly seconds: { readonly synth: number; readonly deploy: number; readonly assertions: number; readonly teardown: number; readonly total: number };
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly dependencies: string[] }>;
}

/** Folder (under `<envDir>/.terraform/`) where the rehearsal works. */
export const REHEARSAL_ROOT = 'rehearsal';

/**
 * Rehearses an environment on moto, stack by stack, with the real AWS provider:
 * 1. synthesize (into `.terraform/rehearsal/cdktf.out`: `cdktf.out/` is left alone);
 * 2. start moto_server on a free loopback port, one per account (the environment's; the ops
 *    account's for `pingdummy-ops`);
 * 3. in dependency order (independent stacks in parallel): `init`, `apply`, then
 *    `plan -detailed-exitcode`, which must find nothing to change;
 * 4. check the deployed environment through moto's API (AWS SDK v3);
 * 5. check that a plain `plan -destroy` refuses to destroy every `prevent_destroy` resource;
 * 6. in reverse order: release deletion protection where set, then `destroy`.
 * Everything that differs from a real deploy is in REHEARSAL_EXCEPTIONS. State stays local.
 */
export async function rehearseEnvironment(options: RehearseEnvironmentOptions): Promise<EnvironmentRehearsal> {
  const startedAt = performance.now();
  const envDir = path.resolve(options.envDir);
  const log = options.log ?? (() => {});
  const exceptions = options.exceptions ?? REHEARSAL_EXCEPTIONS;
  const imageTag = options.imageTag ?? resolveImageTag(process.env, envDir);
  const workDir = path.join(envDir, '.terraform', REHEARSAL_ROOT);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(path.join(workDir, 'state'), { recursive: true });

  const outDir = path.join(workDir, 'cdktf.out');
  const synth = await run(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: envDir, env: { ...process.env, IMAGE_TAG: imageTag, CDKTF_OUTDIR: outDir } });
  log(`synth: ${synth.seconds.toFixed(1)} s (image tag ${imageTag})`);
  const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = Object.fromEntries(Object.entries(manifest.stacks).map(([name, entry]) =>
    [name, JSON.parse(readFileSync(path.join(outDir, entry.synthesizedStackPath), 'utf8')) as StackConfig]));
  const waves = dependencyWaves(Object.fromEntries(Object.entries(manifest.stacks).map(([name, entry]) => [name, entry.dependencies])));
  const environment = environmentAccount(stacks);

  const cliConfig = writeCliConfig(path.join(envDir, '.tfcli'), options.providerMirror ?? findProviderMirror());
  const accounts = [...new Set(Object.values(stacks).map((stack) => stackAccount(stack) ?? environment.accountId))].sort();
  const servers = new Map<string, MotoServer>();
  try {
    // allSettled: when one server fails to start, the others are still registered, then stopped.
    const started = await Promise.allSettled(accounts.map(async (accountId) => {
      const server = await startMotoServer({ accountId, region: environment.region, ecsTasksRunning: largestDesiredCount(stacks) });
      servers.set(accountId, server);
      log(`moto_server: ${server.endpoint} (account ${accountId})`);
    }));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const endpointOf = (stack: StackConfig) => servers.get(stackAccount(stack) ?? environment.accountId)!.endpoint;
    const rehearsal = new StackRunner({ workDir, endpointOf, exceptions, cliConfig, log });
    const deployStarted = performance.now();
    for (const wave of waves) await Promise.all(wave.map((name) => rehearsal.deploy(name, stacks[name]!)));
    const deploySeconds = (performance.now() - deployStarted) / 1000;

    const assertionsStarted = performance.now();
    const assertions = await assertRehearsedEnvironment({ endpoint: servers.get(environment.accountId)!.endpoint, region: environment.region, stacks: Object.values(stacks), imageTag });
    const assertionSeconds = (performance.now() - assertionsStarted) / 1000;
    log(`assertions: ${assertions.length} facts checked through moto's API in ${assertionSeconds.toFixed(1)} s`);

    const teardownStarted = performance.now();
    await Promise.all(Object.entries(stacks).map(([name, stack]) => rehearsal.checkDestroyRefused(name, stack)));
    for (const wave of [...waves].reverse()) await Promise.all(wave.map((name) => rehearsal.teardown(name, stacks[name]!)));
    const teardownSeconds = (performance.now() - teardownStarted) / 1000;

    return {
      environment: environment.name,
      imageTag,
      stacks: Object.keys(stacks).sort().map((name) => rehearsal.result(name)),
      assertions,
      seconds: { synth: synth.seconds, deploy: deploySeconds, assertions: assertionSeconds, teardown: teardownSeconds, total: (performance.now() - startedAt) / 1000 },
    };
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

/** Stacks grouped in waves: each wave depends only on earlier ones, so a wave runs in parallel. */
export function dependencyWaves(dependencies: Record<string, readonly string[]>): string[][] {
  const waves: string[][] = [];
  const done = new Set<string>();
  const remaining = new Set(Object.keys(dependencies));
  while (remaining.size > 0) {
    const wave = [...remaining].filter((name) => dependencies[name]!.every((dependency) => done.has(dependency))).sort();
    if (wave.length === 0) throw new Error(`Stacks depend on each other in a cycle: ${[...remaining].join(', ')}`);
    waves.push(wave);
    for (const name of wave) {
      remaining.delete(name);
      done.add(name);
    }
  }
  return waves;
}

/**
 * moto reports the same number of running tasks for every service: the largest desired count, so
 * each service's rollout reads COMPLETED (a REHEARSAL difference: no task really runs).
 */
function largestDesiredCount(stacks: Record<string, StackConfig>): number {
  const counts = Object.values(stacks).flatMap((stack) => Object.values(stack.resource?.aws_ecs_service ?? {}).map((service) => Number(service.desired_count ?? 0)));
  return Math.max(0, ...counts);
}

/** The environment's account, region and name: those of the most common provider account. */
function environmentAccount(stacks: Record<string, StackConfig>): { accountId: string; region: string; name: string } {
  const counts = new Map<string, number>();
  for (const stack of Object.values(stacks)) {
    const account = stackAccount(stack);
    if (account) counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  const accountId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!accountId) throw new Error('No stack sets allowed_account_ids: the rehearsal needs the account of the environment');
  const provider = Object.values(stacks).find((stack) => stackAccount(stack) === accountId)!.provider!.aws![0]!;
  const tags = (provider.default_tags as Array<{ tags?: Record<string, string> }> | undefined)?.[0]?.tags ?? {};
  return { accountId, region: String(provider.region ?? 'us-east-1'), name: tags.environment ?? accountId };
}

interface StackRunnerOptions {
  readonly workDir: string;
  /** Endpoint of the moto server of the stack's account. */
  readonly endpointOf: (stack: StackConfig) => string;
  readonly exceptions: readonly RehearsalException[];
  readonly cliConfig: string;
  readonly log: (line: string) => void;
}

type MutableResult = { -readonly [K in Exclude<keyof StackRehearsal, 'seconds'>]: StackRehearsal[K] } & { seconds: Record<keyof StackRehearsal['seconds'], number> };

/** Runs the Terraform steps of one stack in its own folder and keeps what they report. */
class StackRunner {
  private readonly results = new Map<string, MutableResult>();
  // `init`s run one at a time: without a mirror they share a plugin cache, which is not safe for
  // concurrent use. Each takes about a second; applies still run in parallel.
  private initQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: StackRunnerOptions) {}

  result(name: string): StackRehearsal {
    const result = this.results.get(name)!;
    const s = result.seconds;
    s.total = s.init + s.apply + s.plan + s.guard + s.release + s.destroy;
    return result;
  }

  async deploy(name: string, synthesized: StackConfig): Promise<void> {
    const { config, excluded } = withoutExcludedResources(synthesized, this.options.exceptions);
    const dir = this.stackDir(name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'cdk.tf.json'), `${JSON.stringify(config, null, 2)}\n`);
    const result: MutableResult = { stack: name, applied: 0, destroyed: 0, excluded, refusedDestroy: [], seconds: { init: 0, apply: 0, plan: 0, guard: 0, release: 0, destroy: 0, total: 0 } };
    this.results.set(name, result);

    this.writeOverride(name, config, 'deploy');
    const init = this.initQueue.then(() => this.terraform(name, ['init', '-input=false', '-no-color']));
    this.initQueue = init.catch(() => {});
    result.seconds.init = (await init).seconds;
    const apply = await this.terraform(name, ['apply', '-input=false', '-no-color', '-auto-approve']);
    result.seconds.apply = apply.seconds;
    result.applied = count(apply.stdout, /Resources: (\d+) added/);
    this.options.log(`${name}: applied ${result.applied} resources in ${apply.seconds.toFixed(1)} s${excluded.length > 0 ? ` (excluded: ${excluded.join(', ')})` : ''}`);

    const plan = await this.terraform(name, ['plan', '-input=false', '-no-color', '-detailed-exitcode'], [0, 2]);
    result.seconds.plan = plan.seconds;
    if (plan.exitCode === 2) {
      throw new Error(`${name}: the plan after apply is not clean (drift that is neither ours to fix nor in REHEARSAL_EXCEPTIONS):\n${plan.stdout}`);
    }
    this.options.log(`${name}: second plan clean in ${plan.seconds.toFixed(1)} s`);
  }

  /**
   * With production lifecycles (no rehearsal override of any resource), `plan -destroy` must fail
   * and name every `prevent_destroy` resource of the stack.
   */
  async checkDestroyRefused(name: string, synthesized: StackConfig): Promise<void> {
    const protectedAddresses = protectedResources(synthesized);
    if (protectedAddresses.length === 0) return;
    const result = this.results.get(name)!;
    this.writeOverride(name, withoutExcludedResources(synthesized, this.options.exceptions).config, 'production');
    const plan = await this.terraform(name, ['plan', '-destroy', '-refresh=false', '-input=false', '-no-color'], [0, 1]);
    result.seconds.guard = plan.seconds;
    const output = `${plan.stdout}\n${plan.stderr}`;
    const refused = protectedAddresses.filter((address) => output.includes('Instance cannot be destroyed') && output.includes(address));
    if (plan.exitCode === 0 || refused.length !== protectedAddresses.length) {
      throw new Error(`${name}: a plain \`terraform plan -destroy\` must refuse to destroy ${protectedAddresses.join(', ')} (prevent_destroy), but it ${plan.exitCode === 0 ? 'succeeded' : `refused only ${refused.join(', ') || 'nothing'}`}:\n${output}`);
    }
    result.refusedDestroy = refused;
    this.options.log(`${name}: plain plan -destroy refused to destroy ${refused.join(', ')}`);
  }

  async teardown(name: string, synthesized: StackConfig): Promise<void> {
    const result = this.results.get(name)!;
    const { config } = withoutExcludedResources(synthesized, this.options.exceptions);
    this.writeOverride(name, config, 'teardown');
    if (needsRelease(config, this.options.exceptions)) {
      // Deletion protection is an AWS attribute: turn it off with an apply before destroying.
      const release = await this.terraform(name, ['apply', '-refresh=false', '-input=false', '-no-color', '-auto-approve']);
      result.seconds.release = release.seconds;
      this.options.log(`${name}: deletion protection released in ${release.seconds.toFixed(1)} s`);
    }
    const destroy = await this.terraform(name, ['destroy', '-refresh=false', '-input=false', '-no-color', '-auto-approve']);
    result.seconds.destroy = destroy.seconds;
    result.destroyed = count(destroy.stdout, /Resources: (\d+) destroyed/);
    if (result.destroyed !== result.applied) {
      throw new Error(`${name}: destroy removed ${result.destroyed} resources, apply created ${result.applied}:\n${destroy.stdout}`);
    }
    this.options.log(`${name}: destroyed ${result.destroyed} resources in ${destroy.seconds.toFixed(1)} s`);
  }

  private stackDir(name: string): string {
    return path.join(this.options.workDir, 'stacks', name);
  }

  private writeOverride(name: string, config: StackConfig, phase: RehearsalPhase): void {
    const override = rehearsalOverride(config, {
      phase,
      endpoint: this.options.endpointOf(config),
      statePath: (stack) => path.join(this.options.workDir, 'state', `${stack}.tfstate`),
      exceptions: this.options.exceptions,
    }, name);
    writeFileSync(path.join(this.stackDir(name), OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  }

  /** A terraform command in the stack's folder; exit codes outside `accept` reject with its output. */
  private async terraform(name: string, args: string[], accept: number[] = [0]): Promise<{ stdout: string; stderr: string; seconds: number; exitCode: number }> {
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('TF_')));
    Object.assign(env, { TF_CLI_CONFIG_FILE: this.options.cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', AWS_EC2_METADATA_DISABLED: 'true' });
    return run('terraform', args, { cwd: this.stackDir(name), env, acceptExitCodes: accept });
  }
}

function count(output: string, pattern: RegExp): number {
  return Number(pattern.exec(output)?.[1] ?? 0);
}
