import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planEnvironment, requireProviderMirror, type EnvironmentPlan } from '@stack/constructs/harness';
import { checkEnvironmentPlan, formatViolations, POLICY_RULES } from '@stack/constructs/policy';

// One synth + plan for the whole file; every policy check reads the same plan.
const envDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let plan: EnvironmentPlan;

beforeAll(async () => {
  plan = await planEnvironment({ envDir, providerMirror: requireProviderMirror(), validate: false });
});

it('plans every stack with zero errors', () => {
  expect(Object.keys(plan.stacks)).toEqual(['pingdummy-stage-app', 'pingdummy-stage-base', 'pingdummy-stage-bootstrap', 'pingdummy-stage-data']);
  for (const stack of Object.values(plan.stacks)) expect(stack.resource_changes?.length).toBeGreaterThan(0);
});

it('only creates resources', () => {
  const actions = Object.values(plan.stacks).flatMap((s) => (s.resource_changes ?? []).filter((c) => c.mode === 'managed').flatMap((c) => c.change.actions));
  expect(new Set(actions)).toEqual(new Set(['create']));
});

describe.each(POLICY_RULES.map((rule) => [rule.id, rule.description]))('policy %s', (id, description) => {
  it(description, () => {
    expect(formatViolations(checkEnvironmentPlan(plan, { production: false }, [id]))).toBe('');
  });
});

it('has the account baseline stage keeps (config.ts): CloudTrail, S3 public access block, session logging, WAF; no GuardDuty or AWS Config', () => {
  const types = (stack: string) => new Set((plan.stacks[stack]!.planned_values?.root_module?.resources ?? []).map((r) => r.type));
  const base = types('pingdummy-stage-base');
  for (const type of ['aws_cloudtrail', 'aws_s3_account_public_access_block', 'aws_ssm_document', 'aws_wafv2_web_acl']) expect(base).toContain(type);
  for (const type of ['aws_guardduty_detector', 'aws_config_configuration_recorder']) expect(base).not.toContain(type);
  expect(types('pingdummy-stage-app')).toContain('aws_wafv2_web_acl_association');
});
