import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OVERRIDE_FILE, emptyStateFile, offlineOverride, type SynthesizedStack } from './overrides.js';
import { run, writeCliConfig } from './terraform-cli.js';
import type { TerraformPlan } from '../policy/plan-model.js';

export interface PlanEnvironmentOptions {
  /** Folder of the environment program (holds `main.ts` and `cdktf.json`). */
  readonly envDir: string;
  /**
   * Run the program to synthesize first.
   * @default true
   */
  readonly synth?: boolean;
  /**
   * Where to write the combined plan JSON.
   * @default `<envDir>/plan.json`
   */
  readonly outFile?: string;
  /**
   * Folder of the Terraform filesystem mirror (the one holding `registry.terraform.io/`).
   * @default process.env.TF_PROVIDER_MIRROR - the public registry when unset
   */
  readonly providerMirror?: string;
  /**
   * Run `terraform validate` before `plan`. `plan` validates the configuration too, so tests and
   * the benchmark turn this off to save one provider start per stack.
   * @default true
   */
  readonly validate?: boolean;
  /**
   * Progress lines.
   * @default - silent
   */
  readonly log?: (line: string) => void;
}

/** `terraform show -json` of each stack of an environment, by stack name. */
export interface EnvironmentPlan {
  readonly format: 'stack-plans/1';
  readonly stacks: Record<string, TerraformPlan>;
  /** Seconds spent per phase. */
  readonly timings: { readonly synth: number; readonly stacks: Record<string, { init: number; validate: number; plan: number; show: number }>; readonly total: number };
}

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string; readonly workingDirectory: string; readonly dependencies: string[] }>;
}

/** Runs the environment program (`main.ts`), which writes `cdktf.out/`. */
export async function synthEnvironment(envDir: string): Promise<number> {
  const result = await run(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: envDir });
  return result.seconds;
}

/**
 * Plans every stack of an environment without AWS:
 * 1. synthesize (`main.ts` writes `cdktf.out/`);
 * 2. per stack, drop an override file (local state, mock credentials, remote-state placeholders);
 * 3. `terraform init` (providers from TF_PROVIDER_MIRROR, init state kept in `<envDir>/.terraform/<stack>`),
 *    `validate`, `plan`, `show -json`, stacks in parallel;
 * 4. write all plans to `<envDir>/plan.json`.
 * The production program is not changed; the override files live only in `cdktf.out/`.
 */
export async function planEnvironment(options: PlanEnvironmentOptions): Promise<EnvironmentPlan> {
  const started = performance.now();
  const envDir = path.resolve(options.envDir);
  const log = options.log ?? (() => {});
  const providerMirror = options.providerMirror ?? process.env.TF_PROVIDER_MIRROR;
  const outFile = options.outFile ?? path.join(envDir, 'plan.json');

  let synthSeconds = 0;
  if (options.synth ?? true) {
    synthSeconds = await synthEnvironment(envDir);
    log(`synth: ${synthSeconds.toFixed(1)} s`);
  }
  const outDir = path.join(envDir, 'cdktf.out');
  const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  const stackNames = Object.keys(manifest.stacks).sort();
  const synthesized: Record<string, SynthesizedStack> = {};
  for (const name of stackNames) {
    synthesized[name] = JSON.parse(readFileSync(path.join(outDir, manifest.stacks[name]!.synthesizedStackPath), 'utf8')) as SynthesizedStack;
  }

  const cliConfig = writeCliConfig(path.join(envDir, '.tfcli'), providerMirror);
  log(providerMirror ? `providers: filesystem mirror (TF_PROVIDER_MIRROR)` : 'providers: public registry (TF_PROVIDER_MIRROR is not set)');

  const stacks: Record<string, TerraformPlan> = {};
  const timings: EnvironmentPlan['timings']['stacks'] = {};
  await inParallel(stackNames, os.availableParallelism(), async (name) => {
    const workDir = path.join(outDir, manifest.stacks[name]!.workingDirectory);
    const dataDir = path.join(envDir, '.terraform', name);
    mkdirSync(dataDir, { recursive: true });
    const statePath = path.join(dataDir, 'offline.tfstate');
    rmSync(statePath, { force: true });
    writeFileSync(`${statePath}.empty-remote`, emptyStateFile());
    writeFileSync(path.join(workDir, OVERRIDE_FILE), `${JSON.stringify(offlineOverride(synthesized[name]!, synthesized, statePath), null, 2)}\n`);
    const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_DATA_DIR: dataDir, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
    const tf = (args: string[]) => run('terraform', args, { cwd: workDir, env });

    const init = await initCached(workDir, dataDir, tf);
    const validate = options.validate ?? true ? await tf(['validate', '-no-color']) : { seconds: 0 };
    const planFile = path.join(dataDir, 'offline.tfplan');
    const plan = await tf(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', `-out=${planFile}`]);
    const show = await tf(['show', '-json', planFile]);
    stacks[name] = JSON.parse(show.stdout) as TerraformPlan;
    timings[name] = { init, validate: validate.seconds, plan: plan.seconds, show: show.seconds };
    log(`${name}: init ${init.toFixed(1)} s, validate ${validate.seconds.toFixed(1)} s, plan ${plan.seconds.toFixed(1)} s`);
  });

  const result: EnvironmentPlan = {
    format: 'stack-plans/1',
    stacks: Object.fromEntries(stackNames.map((name) => [name, stacks[name]!])),
    timings: { synth: synthSeconds, stacks: timings, total: (performance.now() - started) / 1000 },
  };
  writeFileSync(outFile, JSON.stringify(result));
  return result;
}

/**
 * `terraform init`, skipped when this stack's data folder was initialized with the same
 * providers and backend: synth rewrites `cdktf.out/` each time, so the lock file is kept beside
 * the data folder and restored.
 */
async function initCached(workDir: string, dataDir: string, tf: (args: string[]) => Promise<{ seconds: number }>): Promise<number> {
  const lockFile = path.join(workDir, '.terraform.lock.hcl');
  const savedLock = path.join(dataDir, 'saved.terraform.lock.hcl');
  const marker = path.join(dataDir, 'harness-init.json');
  const stackJson = JSON.parse(readFileSync(path.join(workDir, 'cdk.tf.json'), 'utf8')) as { terraform?: { required_providers?: unknown } };
  const fingerprint = JSON.stringify({ providers: stackJson.terraform?.required_providers, override: OVERRIDE_FILE, version: 1 });
  if (existsSync(marker) && existsSync(savedLock) && readFileSync(marker, 'utf8') === fingerprint) {
    copyFileSync(savedLock, lockFile);
    return 0;
  }
  const result = await tf(['init', '-input=false', '-no-color', '-reconfigure']);
  copyFileSync(lockFile, savedLock);
  writeFileSync(marker, fingerprint);
  return result.seconds;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  await Promise.all(workers);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
}

/** Resources to create, by type, over all stacks: the printed summary of a plan. */
export function summarizePlan(plan: EnvironmentPlan): string {
  const lines: string[] = [];
  const totals = new Map<string, number>();
  for (const [name, stack] of Object.entries(plan.stacks)) {
    const changes = (stack.resource_changes ?? []).filter((change) => change.mode === 'managed');
    lines.push(`${name}: ${changes.length} resources`);
    for (const change of changes) totals.set(change.type, (totals.get(change.type) ?? 0) + 1);
  }
  lines.push('', 'by type:');
  const width = Math.max(...[...totals.keys()].map((type) => type.length));
  for (const [type, count] of [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${type.padEnd(width)}  ${count}`);
  }
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  lines.push(`  ${'total'.padEnd(width)}  ${total}`);
  return lines.join('\n');
}

/**
 * The provider mirror tests plan with. Plan tests never fall back to the registry (no network in
 * CI) and never skip silently: without TF_PROVIDER_MIRROR they fail with this message.
 */
export function requireProviderMirror(environment: NodeJS.ProcessEnv = process.env): string {
  const mirror = environment.TF_PROVIDER_MIRROR;
  if (!mirror) {
    throw new Error('TF_PROVIDER_MIRROR is not set: plan tests need the folder of the Terraform provider filesystem mirror (the one holding registry.terraform.io/); CI exports it');
  }
  return mirror;
}
