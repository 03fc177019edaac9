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
  expect(Object.keys(plan.stacks)).toEqual(['pingdummy-ops', 'pingdummy-prod-app', 'pingdummy-prod-base', 'pingdummy-prod-bootstrap', 'pingdummy-prod-data']);
  for (const stack of Object.values(plan.stacks)) expect(stack.resource_changes?.length).toBeGreaterThan(0);
});

it('only creates resources', () => {
  const actions = Object.values(plan.stacks).flatMap((s) => (s.resource_changes ?? []).filter((c) => c.mode === 'managed').flatMap((c) => c.change.actions));
  expect(new Set(actions)).toEqual(new Set(['create']));
});

describe.each(POLICY_RULES.map((rule) => [rule.id, rule.description]))('policy %s', (id, description) => {
  it(description, () => {
    expect(formatViolations(checkEnvironmentPlan(plan, { production: true }, [id]))).toBe('');
  });
});

it('protects production: deletion protection and multi-AZ on the database, a NAT gateway per zone', () => {
  const values = (stack: string, type: string) =>
    (plan.stacks[stack]!.planned_values?.root_module?.resources ?? []).filter((r) => r.type === type).map((r) => r.values);
  expect(values('pingdummy-prod-data', 'aws_db_instance')).toEqual([expect.objectContaining({ deletion_protection: true, multi_az: true })]);
  expect(values('pingdummy-prod-base', 'aws_nat_gateway')).toHaveLength(3);
  expect(values('pingdummy-prod-app', 'aws_lb').find((lb) => lb.internal === false)).toMatchObject({ enable_deletion_protection: true });
});

it('has the account baseline on by default: CloudTrail, GuardDuty, S3 public access block, session logging, WAF on the public ALB; no AWS Config', () => {
  const types = (stack: string) => new Set((plan.stacks[stack]!.planned_values?.root_module?.resources ?? []).map((r) => r.type));
  const base = types('pingdummy-prod-base');
  for (const type of ['aws_cloudtrail', 'aws_guardduty_detector', 'aws_s3_account_public_access_block', 'aws_ssm_document', 'aws_wafv2_web_acl']) expect(base).toContain(type);
  expect(base).not.toContain('aws_config_configuration_recorder');
  expect(types('pingdummy-prod-app')).toContain('aws_wafv2_web_acl_association');
});
