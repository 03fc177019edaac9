/**
 * Every way the rehearsal on moto differs from a real deploy, in one list, each with its reason.
 * - `exclude`: the resources of that type are left out of the rehearsal copy of the stack
 *   (moto cannot hold them); nothing else may reference them.
 * - `ignore`: attributes ignored by the second plan (`lifecycle.ignore_changes`), because moto
 *   stores or returns them differently from AWS; the rest of the resource must plan clean. With
 *   `onlyWhenSet`, only on the resources that set that argument.
 * - `set`: arguments the rehearsal sets on every resource of that type, in the `deploy` phase
 *   (apply and plan) or only in the `teardown` phase (applied just before `destroy`).
 * Lifting `prevent_destroy` before `destroy` is not listed here: the rehearsal does it for every
 * protected resource, after checking that a plain `plan -destroy` refuses to destroy them.
 */
export type RehearsalException =
  | { readonly kind: 'exclude'; readonly resourceType: string; readonly reason: string }
  | { readonly kind: 'ignore'; readonly resourceType: string; readonly attributes: readonly string[]; readonly reason: string; readonly onlyWhenSet?: string }
  | { readonly kind: 'set'; readonly resourceType: string; readonly phase: 'deploy' | 'teardown'; readonly values: Readonly<Record<string, unknown>>; readonly reason: string };

export const REHEARSAL_EXCEPTIONS: readonly RehearsalException[] = [
  {
    kind: 'exclude',
    resourceType: 'aws_cloudwatch_composite_alarm',
    reason: 'moto 5.x does not implement PutCompositeAlarm (HTTP 500)',
  },
  {
    kind: 'exclude',
    resourceType: 'aws_fis_experiment_template',
    reason: 'moto 5.x creates FIS experiment templates but does not implement GetExperimentTemplate, so the provider cannot read them back',
  },
  {
    kind: 'exclude',
    resourceType: 'aws_appautoscaling_target',
    reason: 'moto 5.x does not implement ListTagsForResource for Application Auto Scaling, which the provider calls after create (prod scales its services)',
  },
  {
    kind: 'exclude',
    resourceType: 'aws_appautoscaling_policy',
    reason: 'scales an excluded aws_appautoscaling_target',
  },
  {
    kind: 'exclude',
    resourceType: 'aws_s3_account_public_access_block',
    reason: "the provider sends S3 Control calls to <account-id>.<endpoint>, a host name that cannot point at a local emulator",
  },
  {
    kind: 'exclude',
    resourceType: 'aws_ecs_account_setting_default',
    reason: 'moto 5.x answers ECS PutAccountSettingDefault with HTTP 500 (prod turns on ENI trunking); only the auto-scaling group waits for it (depends_on, dropped with it)',
  },
  {
    kind: 'set',
    resourceType: 'aws_ecs_service',
    phase: 'deploy',
    values: { wait_for_steady_state: false },
    reason: 'moto runs no tasks, so a service never reaches a steady state and the provider would wait until its timeout',
  },
  {
    kind: 'set',
    resourceType: 'aws_cloudtrail',
    phase: 'deploy',
    values: { enable_logging: false },
    reason: 'moto 5.x answers CloudTrail StartLogging with HTTP 500; the trail itself (bucket, policy, validation) is still created',
  },
  {
    kind: 'ignore',
    resourceType: 'aws_launch_template',
    attributes: ['tag_specifications'],
    reason: 'moto adds a tag specification of its own to launch template versions (the second plan would make a new version and roll the auto-scaling groups onto it)',
  },
  {
    kind: 'ignore',
    resourceType: 'aws_route53_zone',
    attributes: ['vpc'],
    reason: "moto does not return the private zone's VPC association as AWS does",
  },
  ...(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const).map((resourceType) => ({
    kind: 'ignore' as const,
    resourceType,
    attributes: ['description'],
    onlyWhenSet: 'referenced_security_group_id',
    reason: 'moto drops the description of a rule that references another security group',
  })),
  {
    kind: 'ignore',
    resourceType: 'aws_db_instance',
    attributes: ['performance_insights_enabled', 'performance_insights_retention_period', 'performance_insights_kms_key_id'],
    reason: 'moto does not store the performance-insights fields of an RDS instance',
  },
  {
    kind: 'ignore',
    resourceType: 'aws_db_parameter_group',
    attributes: ['parameter'],
    reason: 'moto returns the parameters without `Source: user`, so the provider (which reads back only those) plans to add them again',
  },
  {
    kind: 'ignore',
    resourceType: 'aws_ecs_service',
    attributes: ['availability_zone_rebalancing', 'enable_ecs_managed_tags', 'health_check_grace_period_seconds'],
    reason: 'moto drops these three service attributes on create and returns their zero values',
  },
  {
    kind: 'set',
    resourceType: 'aws_autoscaling_group',
    phase: 'deploy',
    values: { force_delete: true },
    reason: 'moto never terminates the instances of a deleted group, so a destroy without force_delete waits forever (a Terraform-side argument: AWS sees no change)',
  },
  {
    kind: 'set',
    resourceType: 'aws_db_instance',
    phase: 'teardown',
    values: { deletion_protection: false },
    reason: 'releases production deletion protection before the rehearsal destroys the database (never done in real use)',
  },
  {
    kind: 'set',
    resourceType: 'aws_lb',
    phase: 'teardown',
    values: { enable_deletion_protection: false },
    reason: 'releases production deletion protection before the rehearsal destroys the load balancers (never done in real use)',
  },
];

/** One line per exception: what the rehearsal report prints. */
export function describeRehearsalExceptions(exceptions: readonly RehearsalException[] = REHEARSAL_EXCEPTIONS): string[] {
  return exceptions.map((exception) => {
    if (exception.kind === 'exclude') return `excluded ${exception.resourceType}: ${exception.reason}`;
    if (exception.kind === 'ignore') {
      return `ignored ${exception.resourceType}.{${exception.attributes.join(',')}}${exception.onlyWhenSet ? ` (with ${exception.onlyWhenSet})` : ''}: ${exception.reason}`;
    }
    return `set on ${exception.resourceType} (${exception.phase}) ${JSON.stringify(exception.values)}: ${exception.reason}`;
  });
}
