/**
 * Infrastructure benchmark: synth of each environment (target < 10 s), synth + init + plan
 * of prod (target < 60 s), cold (terraform init forced) and warm (init cached), and the rehearsal
 * on moto of stage and prod (apply, second plan, checks, destroy), per stack (needs moto_server).
 *
 *   npm run build -w @stack/constructs && TF_PROVIDER_MIRROR=... node --import tsx bench/infra/run.ts
 *
 * Prints the figures and writes bench/results/infra.json (git-ignored).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath, HARNESS_ROOT, MOTO_SERVER_MISSING, planEnvironment, rehearseEnvironment, requireProviderMirror, synthEnvironment } from '@stack/constructs/harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const envDir = (env: string) => path.join(root, 'infra', env);
const SYNTH_RUNS = 3;
const TARGETS = { synthSeconds: 10, prodPlanSeconds: 60 };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number) => Math.round(value * 100) / 100;

/** Synthesizes an environment a few times: the first run pays for cold module loading. */
async function measureSynth(env: string): Promise<{ runs: number[]; median: number }> {
  const runs: number[] = [];
  for (let i = 0; i < SYNTH_RUNS; i += 1) runs.push(round(await synthEnvironment(envDir(env))));
  return { runs, median: median(runs) };
}

/** Forgets cached `terraform init` results so the next plan initializes every stack. */
function forgetInit(env: string): void {
  rmSync(path.join(envDir(env), '.terraform', HARNESS_ROOT, 'data', 'harness-init.json'), { force: true });
}

async function measurePlan(env: string, cold: boolean) {
  if (cold) forgetInit(env);
  const plan = await planEnvironment({ envDir: envDir(env), providerMirror: requireProviderMirror(), validate: false });
  const resources = Object.values(plan.stacks).reduce((n, s) => n + (s.resource_changes ?? []).filter((c) => c.mode === 'managed').length, 0);
  const { synth, init, plan: planning, show, total } = plan.timings;
  return { total: round(total), synth: round(synth), init: round(init), plan: round(planning), show: round(show), resources, stacks: Object.keys(plan.stacks).length };
}

/** Rehearsal on moto: seconds per stack and per step, resources applied. */
async function measureRehearsal(env: string) {
  const rehearsal = await rehearseEnvironment({ envDir: envDir(env), imageTag: 'bench0000001', providerMirror: requireProviderMirror() });
  return {
    total: round(rehearsal.seconds.total),
    phases: Object.fromEntries(Object.entries(rehearsal.seconds).map(([phase, seconds]) => [phase, round(seconds)])),
    stacks: Object.fromEntries(rehearsal.stacks.map((stack) => [stack.stack, {
      applied: stack.applied,
      excluded: stack.excluded,
      seconds: Object.fromEntries(Object.entries(stack.seconds).map(([step, seconds]) => [step, round(seconds)])),
    }])),
  };
}

const synth = { stage: await measureSynth('stage'), prod: await measureSynth('prod') };
const prodCold = await measurePlan('prod', true);
const prodWarm = await measurePlan('prod', false);
const rehearsal = findOnPath('moto_server') ? { stage: await measureRehearsal('stage'), prod: await measureRehearsal('prod') } : undefined;

const result = {
  date: new Date().toISOString(),
  machine: { cpus: os.availableParallelism(), loadAverage: os.loadavg().map(round), node: process.version },
  targets: TARGETS,
  synthSeconds: synth,
  prodPlanSeconds: { cold: prodCold, warm: prodWarm },
  rehearsalSeconds: rehearsal ?? 'not measured: moto_server is not on PATH',
  withinTargets: {
    synth: synth.stage.median < TARGETS.synthSeconds && synth.prod.median < TARGETS.synthSeconds,
    prodPlan: prodCold.total < TARGETS.prodPlanSeconds,
  },
};

console.log(`synth stage: median ${synth.stage.median} s (runs ${synth.stage.runs.join(', ')}), target < ${TARGETS.synthSeconds} s`);
console.log(`synth prod:  median ${synth.prod.median} s (runs ${synth.prod.runs.join(', ')}), target < ${TARGETS.synthSeconds} s`);
console.log(`prod synth + init + plan: cold ${prodCold.total} s, warm ${prodWarm.total} s (${prodCold.resources} resources in ${prodCold.stacks} stacks), target < ${TARGETS.prodPlanSeconds} s`);
for (const [label, run] of [['cold', prodCold], ['warm', prodWarm]] as const) {
  console.log(`  ${label}: synth ${run.synth} s, init ${run.init} s, plan ${run.plan} s, show ${run.show} s`);
}
if (!rehearsal) console.log(`rehearsal: not measured (${MOTO_SERVER_MISSING})`);
for (const [env, run] of Object.entries(rehearsal ?? {})) {
  const { synth: synthSeconds, deploy, assertions, teardown } = run.phases;
  console.log(`rehearsal ${env} on moto: ${run.total} s (synth ${synthSeconds}, deploy ${deploy}, API checks ${assertions}, teardown ${teardown}; wall clock)`);
  for (const [stack, figures] of Object.entries(run.stacks)) {
    const { init, apply, plan, guard, release, destroy, total } = figures.seconds;
    console.log(`  ${stack}: ${figures.applied} resources; ${total} s (init ${init}, apply ${apply}, plan ${plan}, refusal check ${guard}, release ${release}, destroy ${destroy})${figures.excluded.length > 0 ? `; excluded ${figures.excluded.length}` : ''}`);
  }
}
console.log(`load average during the run: ${result.machine.loadAverage.join(' ')} on ${result.machine.cpus} CPUs`);

const out = path.join(root, 'bench', 'results', 'infra.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${path.relative(root, out)}`);
