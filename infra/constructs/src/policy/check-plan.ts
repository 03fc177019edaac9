import type { EnvironmentPlan } from '../harness/plan-environment.js';
import { PlanIndex, type TerraformPlan } from './plan-model.js';
import { POLICY_RULES, type PolicyOptions, type Violation } from './rules.js';

/** Runs the rules (all, or those named) over one stack's plan. */
export function checkStackPlan(plan: TerraformPlan, options: PolicyOptions, stackName = 'stack', ruleIds?: string[], environment?: readonly PlanIndex[]): Violation[] {
  const index = new PlanIndex(plan);
  const stacks = environment ?? [index];
  const rules = ruleIds ? POLICY_RULES.filter((r) => ruleIds.includes(r.id)) : POLICY_RULES;
  if (ruleIds) {
    const unknown = ruleIds.filter((id) => !POLICY_RULES.some((r) => r.id === id));
    if (unknown.length > 0) throw new Error(`Unknown policy rule ${unknown.join(', ')}; rules are ${POLICY_RULES.map((r) => r.id).join(', ')}`);
  }
  return rules.flatMap((rule) => rule.check(index, options, stacks).map((v) => ({ rule: rule.id, address: `${stackName}: ${v.address}`, message: v.message })));
}

/** Runs the rules over every stack of an environment plan. */
export function checkEnvironmentPlan(plan: Pick<EnvironmentPlan, 'stacks'>, options: PolicyOptions, ruleIds?: string[]): Violation[] {
  const environment = Object.values(plan.stacks).map((stack) => new PlanIndex(stack));
  return Object.entries(plan.stacks).flatMap(([name, stack]) => checkStackPlan(stack, options, name, ruleIds, environment));
}

/** One line per violation, for test failures and CLI output. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `[${v.rule}] ${v.address}: ${v.message}`).join('\n');
}
