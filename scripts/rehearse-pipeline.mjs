#!/usr/bin/env node
// The one pipeline, rehearsed end to end on this machine (`npm run rehearse:pipeline`, run by .ci/run):
// `turbo run deploy --filter=stage` with DEPLOY_REHEARSAL=1 runs the real task graph (build, every
// service's tests, the constructs' and stage's tests, offline plan, docker:build, docker:push, deploy)
// against local stand-ins: the images go to a real OCI registry on loopback (Debian's docker-registry)
// in place of ECR, and deploy applies stage to moto in place of AWS, where it checks that the task
// definitions carry the pushed tag and every service rolled out on it, then destroys it.
// Afterwards this script checks what the pipeline claims from the outside: the registry holds the three
// tags, the deploy report names them, and turbo ran every task of the graph successfully.
// Figures go to bench/results/pipeline-rehearsal.json. Closing line: "pipeline: N passed, N failed".
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = ['beacon', 'worker', 'frontend'];
const results = [];
const check = (what, ok, detail = '') => {
  results.push({ what, ok: Boolean(ok) });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
};
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Starts the registry on a free loopback port with its storage in `dir`. */
async function startRegistry(dir) {
  const address = `127.0.0.1:${await freePort()}`;
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${address}\nlog:\n  level: warn\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false)) return { address, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`docker-registry did not answer on ${address}`);
}

/** The newest run summary turbo wrote under .turbo/runs (--summarize). */
function newestRunSummary(since) {
  const dir = path.join(root, '.turbo', 'runs');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).map((name) => path.join(dir, name)).filter((file) => statSync(file).mtimeMs >= since);
  files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ? JSON.parse(readFileSync(files[0], 'utf8')) : undefined;
}

async function rehearse() {
  const missing = ['docker-registry', 'podman', 'moto_server', 'terraform'].filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    check(`tools present (missing: ${missing.join(', ')}; apt-get install docker-registry podman, pip install 'moto[server]'; npm test installs the Debian ones as root)`, false);
    return;
  }
  const tag = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-registry-'));
  const registry = await startRegistry(dir);
  const startedAt = Date.now();
  try {
    console.log(`registry ${registry.address}, image tag ${tag}: turbo run deploy --filter=stage (DEPLOY_REHEARSAL=1)`);
    const env = { ...process.env, DEPLOY_REHEARSAL: '1', REGISTRY: registry.address, IMAGE_TAG: tag, CONTAINER_ENGINE: 'podman' };
    const turbo = path.join(root, 'node_modules/turbo/bin/turbo');
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [turbo, 'run', 'deploy', '--filter=stage', '--concurrency=1', '--summarize'], { cwd: root, env, stdio: 'inherit' });
      child.once('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    const seconds = (Date.now() - startedAt) / 1000;
    check(`turbo run deploy --filter=stage exited 0 (${seconds.toFixed(0)} s)`, code === 0, `exit ${code}`);

    for (const service of SERVICES) {
      const tags = await fetch(`http://${registry.address}/v2/pingdummy/${service}/tags/list`).then((r) => (r.ok ? r.json() : {}), () => ({}));
      check(`registry holds pingdummy/${service}:${tag}`, (tags.tags ?? []).includes(tag), JSON.stringify(tags));
    }

    const reportFile = path.join(root, 'infra/stage/.terraform/rehearsal/deploy-report.json');
    const report = existsSync(reportFile) && statSync(reportFile).mtimeMs >= startedAt ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
    check('deploy wrote its report in this run', report !== undefined);
    check(`deploy rehearsed image tag ${tag}`, report?.mode === 'rehearsal' && report.imageTag === tag, JSON.stringify({ mode: report?.mode, imageTag: report?.imageTag }));
    for (const service of SERVICES) {
      check(`moto holds task definition pingdummy-stage-${service} on tag ${tag}`, report?.facts.includes(`task definition pingdummy-stage-${service} runs image tag ${tag}`));
      check(`deploy saw service ${service} rolled out on tag ${tag}`, report?.facts.some((fact) => fact.startsWith(`service ${service} rolled out on tag ${tag}`)));
    }
    const stacks = report?.rehearsal?.stacks ?? [];
    check('every stage stack applied and destroyed the same resources', stacks.length === 4 && stacks.every((s) => s.applied > 0 && s.destroyed === s.applied), JSON.stringify(stacks.map((s) => [s.stack, s.applied, s.destroyed])));

    const summary = newestRunSummary(startedAt);
    const tasks = summary?.tasks ?? [];
    const ran = (taskId) => tasks.find((task) => task.taskId === taskId);
    const expected = [
      ...SERVICES.flatMap((service) => [`@pingdummy/${service}#test`, `@pingdummy/${service}#docker:build`, `@pingdummy/${service}#docker:push`]),
      '@stack/constructs#test', 'stage#test', 'stage#plan', 'stage#deploy',
    ];
    for (const taskId of expected) {
      const task = ran(taskId);
      check(`turbo ran ${taskId} successfully`, task?.execution?.exitCode === 0, task ? `exit ${task.execution?.exitCode}` : 'not in the run summary');
    }
    const durations = Object.fromEntries(tasks.map((task) => [task.taskId, {
      cache: task.cache?.status,
      seconds: task.execution ? Number(((task.execution.endTime - task.execution.startTime) / 1000).toFixed(1)) : null,
    }]));
    mkdirSync(path.join(root, 'bench/results'), { recursive: true });
    writeFileSync(path.join(root, 'bench/results/pipeline-rehearsal.json'), `${JSON.stringify({
      date: new Date().toISOString(), imageTag: tag, seconds, tasks: durations,
      rehearsal: report?.rehearsal ? { seconds: report.rehearsal.seconds, stacks: report.rehearsal.stacks.map((s) => ({ stack: s.stack, applied: s.applied, seconds: s.seconds.total })) } : null,
    }, null, 2)}\n`);
    console.log(`\npipeline rehearsal: ${seconds.toFixed(0)} s in all; per task (cache, s):`);
    for (const [taskId, figure] of Object.entries(durations)) console.log(`  ${taskId.padEnd(36)} ${String(figure.cache).padEnd(5)} ${figure.seconds ?? '-'}`);
  } finally {
    registry.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await rehearse();
} catch (error) {
  check(`pipeline rehearsal ran to the end (${error.message})`, false);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`pipeline: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
