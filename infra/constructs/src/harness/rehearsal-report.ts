import { NOT_CHECKABLE_ON_MOTO } from './rehearsal-assertions.js';
import { describeRehearsalExceptions } from './rehearsal-exceptions.js';
import type { EnvironmentRehearsal } from './rehearse-environment.js';

/** The rehearsal's report: figures per stack, exclusions, refusals, facts checked, exceptions. */
export function formatRehearsal(result: EnvironmentRehearsal): string {
  const lines = [`rehearsal of ${result.environment} (image tag ${result.imageTag}) on moto: ${result.seconds.total.toFixed(1)} s`];
  lines.push('stack                        applied destroyed   init  apply   plan  guard release destroy  total (s)');
  for (const s of result.stacks) {
    const t = s.seconds;
    lines.push(`${s.stack.padEnd(28)} ${String(s.applied).padStart(7)} ${String(s.destroyed).padStart(9)} ${[t.init, t.apply, t.plan, t.guard, t.release, t.destroy, t.total].map((v) => v.toFixed(1).padStart(6)).join(' ')}`);
  }
  lines.push(`synth ${result.seconds.synth.toFixed(1)} s, deploy ${result.seconds.deploy.toFixed(1)} s, assertions ${result.seconds.assertions.toFixed(1)} s, teardown ${result.seconds.teardown.toFixed(1)} s (wall clock; independent stacks in parallel)`);
  for (const s of result.stacks) {
    if (s.excluded.length > 0) lines.push(`${s.stack}: excluded ${s.excluded.join(', ')}`);
    if (s.refusedDestroy.length > 0) lines.push(`${s.stack}: a plain plan -destroy refuses ${s.refusedDestroy.join(', ')}`);
  }
  lines.push('', `checked through moto's API (${result.assertions.length}):`, ...result.assertions.map((a) => `  ${a}`));
  lines.push('', 'not checkable on moto:', ...NOT_CHECKABLE_ON_MOTO.map((l) => `  ${l}`));
  lines.push('', 'rehearsal exceptions (REHEARSAL_EXCEPTIONS):', ...describeRehearsalExceptions().map((l) => `  ${l}`));
  return lines.join('\n');
}
