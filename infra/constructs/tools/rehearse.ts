/**
 * Rehearses an environment on moto: apply, clean second plan, checks through moto's API, destroy.
 *
 *   npm run rehearse -- --env stage [--image-tag <tag>]
 *
 * Needs moto_server (pip install 'moto[server]') and terraform on PATH; providers come from
 * TF_PROVIDER_MIRROR, else a mirror found in the usual places (findProviderMirror).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { findOnPath, formatRehearsal, MOTO_SERVER_MISSING, rehearseEnvironment } from '../src/harness/index.js';

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
// One closing line for CI's count: every fact checked through moto's API held (a failure throws).
console.log(`rehearsal: ${rehearsal.assertions.length} passed, 0 failed`);
