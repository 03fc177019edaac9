/**
 * Rehearses an environment on moto: apply, clean second plan, checks through moto's API, destroy.
 *
 *   npm run rehearse -- --env stage [--image-tag <tag>]
 *
 * Needs moto_server (pip install 'moto[server]') and terraform on PATH; providers come from
 * TF_PROVIDER_MIRROR when set.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describeRehearsalExceptions, findOnPath, MOTO_SERVER_MISSING, rehearseEnvironment, type EnvironmentRehearsal } from '../src/harness/index.js';

const { values } = parseArgs({ options: { env: { type: 'string' }, 'image-tag': { type: 'string' } } });
if (values.env !== 'stage' && values.env !== 'prod') {
  console.error('usage: npm run rehearse -- --env stage|prod [--image-tag <tag>]');
  process.exit(2);
}
if (!findOnPath('moto_server')) {
  console.error(MOTO_SERVER_MISSING);
  process.exit(1);
}
const envDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', values.env);
const rehearsal = await rehearseEnvironment({ envDir, imageTag: values['image-tag'], log: (line) => console.log(line) });
console.log(`\n${formatRehearsal(rehearsal)}`);

function formatRehearsal(result: EnvironmentRehearsal): string {
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
  lines.push('', 'rehearsal exceptions (REHEARSAL_EXCEPTIONS):', ...describeRehearsalExceptions().map((l) => `  ${l}`));
  return lines.join('\n');
}
