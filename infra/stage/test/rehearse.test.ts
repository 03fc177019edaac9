import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath, formatRehearsal, rehearseEnvironment, requireProviderMirror, type EnvironmentRehearsal } from '@stack/constructs/harness';

// The whole rehearsal (apply, second plan, API checks, destroy) runs once for the file.
const envDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE_TAG = 'feedc0ffee12';
const missing = ['moto_server', 'terraform'].filter((command) => !findOnPath(command));
// Without the tools, one skipped test whose name says why (also printed: jest hides the names of a file's skipped tests).
const skipReason = `stage rehearsal skipped: ${missing.join(' and ')} not on PATH (moto: pip install 'moto[server]')`;
if (missing.length > 0) {
  console.log(skipReason);
  // In CI a missing tool is a failure naming it, never a silent skip.
  (process.env.CI ? it : it.skip)(skipReason, () => {
    throw new Error(skipReason);
  });
} else describe('stage rehearsal on moto', () => {
  let rehearsal: EnvironmentRehearsal;

  beforeAll(async () => {
    rehearsal = await rehearseEnvironment({ envDir, imageTag: IMAGE_TAG, providerMirror: requireProviderMirror() });
    console.log(formatRehearsal(rehearsal));
  }, 30 * 60_000);

  it('applies every stack with a clean second plan, then destroys all it applied', () => {
    expect(rehearsal.stacks.map((s) => s.stack)).toEqual(['pingdummy-stage-app', 'pingdummy-stage-base', 'pingdummy-stage-bootstrap', 'pingdummy-stage-data']);
    for (const stack of rehearsal.stacks) {
      expect(stack.applied).toBeGreaterThan(0);
      expect(stack.destroyed).toBe(stack.applied);
    }
  });

  it('leaves out only what moto cannot hold: the composite alarm and the FIS templates (app), the S3 account public access block (base)', () => {
    const excludedTypes = (name: string) => new Set(rehearsal.stacks.find((s) => s.stack === name)!.excluded.map((address) => address.split('.')[0]));
    expect(excludedTypes('pingdummy-stage-app')).toEqual(new Set(['aws_cloudwatch_composite_alarm', 'aws_fis_experiment_template']));
    expect(excludedTypes('pingdummy-stage-base')).toEqual(new Set(['aws_s3_account_public_access_block']));
    for (const stack of ['pingdummy-stage-bootstrap', 'pingdummy-stage-data']) expect(excludedTypes(stack)).toEqual(new Set());
  });

  it('finds the deployed services, image tag, DNS, database, alarms and topics through the AWS API', () => {
    expect(rehearsal.assertions).toEqual(expect.arrayContaining([
      'cluster pingdummy-stage is ACTIVE',
      'service beacon is ACTIVE and wants 1 tasks',
      'service frontend is behind 1 target group(s)',
      'service worker runs task definition pingdummy-stage-worker',
      'service worker tasks get no public IP',
      `task definition pingdummy-stage-worker runs image tag ${IMAGE_TAG}`,
      'listeners on ports 80, 443, 3001',
      'private zone stack.local. exists',
      'record beacon.stack.local. A in stack.local.',
      'database pingdummy-stage has its RDS-managed master secret',
      'topic pingdummy-stage-critical exists',
      'every metric alarm notifies one of the topics',
    ]));
  });

  it('refuses a plain destroy of the state bucket (prevent_destroy), lifted only by the rehearsal', () => {
    const bootstrap = rehearsal.stacks.find((s) => s.stack === 'pingdummy-stage-bootstrap')!;
    expect(bootstrap.refusedDestroy).toEqual([expect.stringMatching(/^aws_s3_bucket\.state_bucket/)]);
  });
});
