import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OVERRIDE_FILE, emptyStateFile, offlineOverride, type SynthesizedStack } from './overrides.js';
import { MISSING_MIRROR_MESSAGE, findProviderMirror, type MirrorSearch } from './provider-mirror.js';
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
   * @default - TF_PROVIDER_MIRROR, else a mirror found in the usual places, else the public registry
   */
  readonly providerMirror?: string;
  /**
   * Run `terraform validate` before `plan`. `plan` validates the configuration too, so tests and
   * the benchmark turn this off to save a few provider starts.
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
  readonly timings: { readonly synth: number; readonly init: number; readonly validate: number; readonly plan: number; readonly show: number; readonly total: number };
}

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string; readonly workingDirectory: string; readonly dependencies: string[] }>;
}

/** Folder (under `<envDir>/.terraform/`) where the harness plans copies of the stacks. */
export const HARNESS_ROOT = 'harness';

/** Runs the environment program (`main.ts`), which writes `cdktf.out/`. */
export async function synthEnvironment(envDir: string): Promise<number> {
  const result = await run(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: envDir });
  return result.seconds;
}

/** Module name of a stack in the harness root module. */
export function moduleName(stackName: string): string {
  return stackName.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Plans every stack of an environment without AWS:
 * 1. synthesize (`main.ts` writes `cdktf.out/`);
 * 2. copy each stack to `<envDir>/.terraform/harness/stacks/` with an override file beside it
 *    (mock credentials, remote-state placeholders), and write a root module calling every stack
 *    as a module, with local state;
 * 3. `terraform init` (providers from TF_PROVIDER_MIRROR; cached in `<envDir>/.terraform/harness/`),
 *    `validate`, `plan`, `show -json`, once for all stacks: the AWS provider (700 MB) starts a
 *    handful of times instead of four times per stack;
 * 4. split the plan per stack and write it to `<envDir>/plan.json`.
 * Each stack keeps its own state and backend in production; the production program and
 * `cdktf.out/` are unchanged.
 */
export async function planEnvironment(options: PlanEnvironmentOptions): Promise<EnvironmentPlan> {
  const started = performance.now();
  const envDir = path.resolve(options.envDir);
  const log = options.log ?? (() => {});
  const providerMirror = options.providerMirror ?? findProviderMirror();
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
  log(providerMirror ? `providers: filesystem mirror ${providerMirror}` : 'providers: public registry (no TF_PROVIDER_MIRROR, no local mirror found)');

  // The harness works on copies under .terraform/harness/ (git-ignored): cdktf.out/ stays exactly
  // what `cdktf deploy` or `terraform apply` would use, with no mock provider left behind.
  const harnessDir = path.join(envDir, '.terraform', HARNESS_ROOT);
  const dataDir = path.join(harnessDir, 'data');
  const rootDir = path.join(harnessDir, 'root');
  const stacksDir = path.join(harnessDir, 'stacks');
  rmSync(stacksDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(rootDir, { recursive: true });
  const statePath = path.join(dataDir, 'offline.tfstate');
  rmSync(statePath, { force: true });
  writeFileSync(`${statePath}.empty-remote`, emptyStateFile());
  for (const name of stackNames) {
    const stackDir = path.join(stacksDir, name);
    mkdirSync(stackDir, { recursive: true });
    copyFileSync(path.join(outDir, manifest.stacks[name]!.synthesizedStackPath), path.join(stackDir, 'cdk.tf.json'));
    const override = offlineOverride(synthesized[name]!, synthesized, statePath);
    writeFileSync(path.join(stackDir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  }
  const modules = Object.fromEntries(stackNames.map((name) => [moduleName(name), { source: `../stacks/${name}` }]));
  writeFileSync(path.join(rootDir, 'main.tf.json'), `${JSON.stringify({ terraform: { backend: { local: { path: statePath } } }, module: modules }, null, 2)}\n`);

  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_DATA_DIR: dataDir, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  const tf = (args: string[]) => run('terraform', args, { cwd: rootDir, env });
  const init = await initCached(rootDir, dataDir, JSON.stringify({ modules, providers: stackNames.map((n) => (synthesized[n] as { terraform?: { required_providers?: unknown } }).terraform?.required_providers) }), tf);
  log(`init: ${init.toFixed(1)} s${init === 0 ? ' (cached)' : ''}`);
  const validate = options.validate ?? true ? (await tf(['validate', '-no-color'])).seconds : 0;
  if (validate > 0) log(`validate: ${validate.toFixed(1)} s`);
  const planFile = path.join(dataDir, 'offline.tfplan');
  const plan = await tf(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', `-out=${planFile}`]);
  log(`plan: ${plan.seconds.toFixed(1)} s`);
  const show = await tf(['show', '-json', planFile]);
  const combined = JSON.parse(show.stdout) as TerraformPlan;

  const result: EnvironmentPlan = {
    format: 'stack-plans/1',
    stacks: Object.fromEntries(stackNames.map((name) => [name, stackPlan(combined, moduleName(name))])),
    timings: { synth: synthSeconds, init, validate, plan: plan.seconds, show: show.seconds, total: (performance.now() - started) / 1000 },
  };
  writeFileSync(outFile, JSON.stringify(result));
  return result;
}

type Module = NonNullable<NonNullable<TerraformPlan['planned_values']>['root_module']>;

/** One stack's part of the combined plan, with addresses as in the stack's own root module. */
export function stackPlan(combined: TerraformPlan, module: string): TerraformPlan {
  const prefix = `module.${module}.`;
  const strip = (address: string) => (address.startsWith(prefix) ? address.slice(prefix.length) : address);
  const childOf = (root: Module | undefined): Module => {
    const child = root?.child_modules?.find((m) => (m as { address?: string }).address === `module.${module}`);
    return { resources: (child?.resources ?? []).map((r) => ({ ...r, address: strip(r.address) })), child_modules: child?.child_modules ?? [] };
  };
  const call = (combined.configuration?.root_module as { module_calls?: Record<string, { module?: { resources?: unknown[] } }> } | undefined)?.module_calls?.[module];
  return {
    format_version: combined.format_version,
    planned_values: { root_module: childOf(combined.planned_values?.root_module) },
    prior_state: { values: { root_module: childOf(combined.prior_state?.values?.root_module) } },
    resource_changes: (combined.resource_changes ?? [])
      .filter((c) => (c as { module_address?: string }).module_address === `module.${module}`)
      .map((c) => ({ ...c, address: strip(c.address) })),
    configuration: { root_module: { resources: (call?.module?.resources ?? []) as NonNullable<NonNullable<TerraformPlan['configuration']>['root_module']>['resources'] } },
  };
}

/**
 * `terraform init`, skipped when the data folder was initialized for the same modules and
 * providers. The lock file is also kept in the data folder, so deleting the root module folder
 * alone does not force a new init.
 */
async function initCached(workDir: string, dataDir: string, fingerprint: string, tf: (args: string[]) => Promise<{ seconds: number }>): Promise<number> {
  const lockFile = path.join(workDir, '.terraform.lock.hcl');
  const savedLock = path.join(dataDir, 'saved.terraform.lock.hcl');
  const marker = path.join(dataDir, 'harness-init.json');
  if (existsSync(marker) && existsSync(savedLock) && readFileSync(marker, 'utf8') === fingerprint) {
    copyFileSync(savedLock, lockFile);
    return 0;
  }
  const result = await tf(['init', '-input=false', '-no-color', '-reconfigure']);
  copyFileSync(lockFile, savedLock);
  writeFileSync(marker, fingerprint);
  return result.seconds;
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
 * The provider mirror tests plan with: TF_PROVIDER_MIRROR, else one found in the usual places
 * (`findProviderMirror`). Plan tests never fall back to the registry (no network in CI) and never
 * skip silently: without a mirror they fail with one line saying how to get one.
 */
export function requireProviderMirror(environment: NodeJS.ProcessEnv = process.env, search?: MirrorSearch): string {
  const mirror = findProviderMirror(environment, search);
  if (!mirror) throw new Error(MISSING_MIRROR_MESSAGE);
  return mirror;
}
