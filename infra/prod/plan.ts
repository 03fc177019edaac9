import { planEnvironment, summarizePlan } from '@stack/constructs/harness';

// Offline plan: synth, then terraform init/validate/plan/show per stack with mock credentials.
const plan = await planEnvironment({ envDir: import.meta.dirname, log: (line) => console.log(line) });
console.log(`\n${summarizePlan(plan)}\n\nplan.json written; total ${plan.timings.total.toFixed(1)} s`);
