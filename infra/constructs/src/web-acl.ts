import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl/index.js';
import { Construct } from 'constructs';

/** AWS managed rule groups every public load balancer gets (no extra charge beyond the rules themselves). */
export const BASELINE_MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

export interface WebAclProps {
  /** Name of the web ACL (also its CloudWatch metric), e.g. `pingdummy-prod`. */
  readonly name: string;
  /**
   * AWS managed rule groups, in priority order.
   * @default BASELINE_MANAGED_RULE_GROUPS
   */
  readonly managedRuleGroups?: string[];
  /**
   * Only count what the rules match, without blocking (to try rules on live traffic first).
   * @default false
   */
  readonly countOnly?: boolean;
}

/**
 * A regional WAF v2 web ACL for Application Load Balancers: AWS managed rule groups (common
 * exploits, known bad inputs, Amazon's IP reputation list), everything else allowed, metrics and
 * sampled requests in CloudWatch. Associate it with WebService's `webAclArn`.
 *
 * @example
 * const acl = new WebAcl(this, 'web-acl', { name: 'pingdummy-prod' });
 * new WebService(this, 'frontend', { ..., webAclArn: acl.webAclArn });
 */
export class WebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: Wafv2WebAcl;
  /** ARN of the web ACL. */
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const managedRuleGroups = props.managedRuleGroups ?? [...BASELINE_MANAGED_RULE_GROUPS];
    const countOnly = props.countOnly ?? false;
    if (!/^[\w-]{1,128}$/.test(props.name)) throw new Error(`WebAcl name "${props.name}" must be 1-128 letters, digits, _ or -`);
    if (managedRuleGroups.length === 0) throw new Error('WebAcl managedRuleGroups must list at least one rule group');

    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    this.webAcl = new Wafv2WebAcl(this, 'web-acl', {
      name: props.name,
      description: `Managed rule groups in front of ${props.name}'s public load balancers`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: managedRuleGroups.map((group, priority) => ({
        name: group,
        priority,
        overrideAction: countOnly ? { count: {} } : { none: {} },
        // `statement` is untyped in the generated provider (recursive schema): Terraform names.
        statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } },
        visibilityConfig: visibility(`${props.name}-${group}`),
      })),
      visibilityConfig: visibility(props.name),
    });
    this.webAclArn = this.webAcl.arn;
  }
}
