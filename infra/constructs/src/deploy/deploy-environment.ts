import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveImageTag } from '../image-tag.js';
import { assertImageTagsExist } from '../image-tags-exist.js';
import { formatRehearsal } from '../harness/rehearsal-report.js';
import { rehearseEnvironment, REHEARSAL_ROOT, type EnvironmentRehearsal } from '../harness/rehearse-environment.js';
import type { StackConfig } from '../harness/rehearsal-override.js';
import { assertRegistryTagsExist } from './registry-tags-exist.js';
import { assertServicesRolledOut } from './services-rolled-out.js';

export interface DeployEnvironmentOptions {
  /** Folder of the environment program (holds `main.ts` and `cdktf.json`). */
  readonly envDir: string;
  /** Stacks `cdktf deploy` applies, e.g. `pingdummy-prod-base`, `-data`, `-app`. */
  readonly stacks: readonly string[];
  readonly region: string;
  /** Repositories that must hold the tag before anything is applied, e.g. `pingdummy/frontend`. */
  readonly repositories: readonly string[];
  /** @default resolveImageTag() - IMAGE_TAG, else the current git commit */
  readonly imageTag?: string;
  /**
   * Rehearse instead of deploying: the tag must be in this loopback registry, and the environment is
   * applied to moto (rehearseEnvironment), checked (task definitions on the tag, services rolled
   * out) and destroyed. @default - a real deploy
   */
  readonly rehearsal?: { readonly registry: string };
  /** @default console.log */
  readonly log?: (line: string) => void;
}

/** What a deploy (or its rehearsal) proved, also written to `<envDir>/.terraform/rehearsal/deploy-report.json` for a rehearsal. */
export interface DeployReport {
  readonly imageTag: string;
  readonly mode: 'deploy' | 'rehearsal';
  /** Facts checked: images present, services rolled out on the tag (and the rehearsal's API checks). */
  readonly facts: string[];
  readonly rehearsal?: EnvironmentRehearsal;
}

/**
 * Reads the rehearsal switch: `DEPLOY_REHEARSAL=1` with `REGISTRY=<loopback host:port>`.
 * Anything else than unset, `0` or `1` is a configuration error naming the variable.
 */
export function rehearsalFromEnvironment(env: NodeJS.ProcessEnv = process.env): DeployEnvironmentOptions['rehearsal'] {
  const flag = env.DEPLOY_REHEARSAL ?? '';
  if (flag === '' || flag === '0') return undefined;
  if (flag !== '1') throw new Error(`DEPLOY_REHEARSAL must be 1 (rehearse on moto and a local registry) or 0, got ${JSON.stringify(flag)}`);
  if (!env.REGISTRY) throw new Error('DEPLOY_REHEARSAL=1 needs REGISTRY=<host:port> of the local registry the images were pushed to');
  return { registry: env.REGISTRY };
}

/**
 * The `deploy` task of an environment program. A real deploy: the tag must be in ECR, then
 * `cdktf deploy` (ECS services wait for steady state), then every ECS service must run the new tag
 * and nothing else (assertServicesRolledOut: a rollback fails the deploy). A rehearsal runs the
 * same gates against the local stand-ins: the loopback registry in place of ECR, moto in place of
 * AWS.
 */
export async function deployEnvironment(options: DeployEnvironmentOptions): Promise<DeployReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const envDir = path.resolve(options.envDir);
  const imageTag = options.imageTag ?? resolveImageTag(process.env, envDir);
  if (options.rehearsal) {
    const facts = await assertRegistryTagsExist({ registry: options.rehearsal.registry, repositories: options.repositories, tag: imageTag });
    facts.forEach((fact) => log(fact));
    const rehearsal = await rehearseEnvironment({ envDir, imageTag, log });
    log(formatRehearsal(rehearsal));
    const report: DeployReport = { imageTag, mode: 'rehearsal', facts: [...facts, ...rehearsal.assertions], rehearsal };
    const reportDir = path.join(envDir, '.terraform', REHEARSAL_ROOT);
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(path.join(reportDir, 'deploy-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  }

  await assertImageTagsExist({ region: options.region, repositories: options.repositories, tag: imageTag });
  log(`images ${imageTag} found in ${options.repositories.join(', ')}`);
  await cdktfDeploy(envDir, options.stacks, imageTag);
  const { ECSClient } = await import('@aws-sdk/client-ecs');
  const client = new ECSClient({ region: options.region });
  const facts: string[] = [];
  for (const { cluster, services } of declaredServices(envDir, options.stacks)) {
    facts.push(...await assertServicesRolledOut({ client, cluster, services, tag: imageTag, log }));
  }
  facts.forEach((fact) => log(fact));
  return { imageTag, mode: 'deploy', facts };
}

function cdktfDeploy(envDir: string, stacks: readonly string[], imageTag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['cdktf', 'deploy', ...stacks, '--auto-approve'], { cwd: envDir, env: { ...process.env, IMAGE_TAG: imageTag }, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cdktf deploy exited with ${code}`))));
  });
}

/** The ECS clusters and services the synthesized stacks (`cdktf.out`, written by `cdktf deploy`) declare. */
export function declaredServices(envDir: string, stacks: readonly string[]): Array<{ cluster: string; services: string[] }> {
  const outDir = path.join(envDir, 'cdktf.out');
  const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const configs = stacks.map((name) => JSON.parse(readFileSync(path.join(outDir, manifest.stacks[name]!.synthesizedStackPath), 'utf8')) as StackConfig);
  const clusters = configs.flatMap((config) => Object.values(config.resource?.aws_ecs_cluster ?? {}).map((cluster) => String(cluster.name)));
  const services = configs.flatMap((config) => Object.values(config.resource?.aws_ecs_service ?? {}).map((service) => String(service.name)));
  return clusters.map((cluster) => ({ cluster, services }));
}
