/** The parts of `terraform show -json` output the policy checks read. */

export interface PlannedResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

export interface PlannedModule {
  readonly resources?: PlannedResource[];
  readonly child_modules?: PlannedModule[];
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: { readonly actions: string[]; readonly after?: unknown; readonly after_unknown?: unknown };
}

export interface ConfigExpression {
  readonly constant_value?: unknown;
  readonly references?: string[];
}

export interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly expressions?: Record<string, unknown>;
}

export interface TerraformPlan {
  readonly format_version?: string;
  readonly planned_values?: { readonly root_module?: PlannedModule };
  readonly prior_state?: { readonly values?: { readonly root_module?: PlannedModule } };
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { readonly root_module?: { readonly resources?: ConfigResource[] } };
}

/** A resource as the checks see it: planned values plus which attributes are unknown until apply. */
export interface Resource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly values: Record<string, unknown>;
  readonly unknown: Record<string, unknown>;
}

function flatten(module: PlannedModule | undefined): PlannedResource[] {
  if (!module) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(flatten)];
}

/** An index over one stack's plan. */
export class PlanIndex {
  /** Managed resources to exist after apply. */
  public readonly resources: Resource[];
  /** Data sources read during plan. */
  public readonly dataSources: Resource[];
  private readonly config: Map<string, ConfigResource>;

  constructor(public readonly plan: TerraformPlan) {
    const unknownByAddress = new Map<string, Record<string, unknown>>();
    for (const change of plan.resource_changes ?? []) {
      if (change.change.after_unknown && typeof change.change.after_unknown === 'object') {
        unknownByAddress.set(change.address, change.change.after_unknown as Record<string, unknown>);
      }
    }
    const toResource = (r: PlannedResource): Resource => ({
      address: r.address,
      mode: r.mode,
      type: r.type,
      values: r.values ?? {},
      unknown: unknownByAddress.get(r.address) ?? {},
    });
    this.resources = flatten(plan.planned_values?.root_module).filter((r) => r.mode === 'managed').map(toResource);
    this.dataSources = [
      ...flatten(plan.prior_state?.values?.root_module),
      ...flatten(plan.planned_values?.root_module),
    ].filter((r) => r.mode === 'data').map(toResource);
    this.config = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r]));
  }

  /** Managed resources of one type. */
  public ofType(type: string): Resource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** Whether an attribute is unknown until apply. */
  public isUnknown(resource: Resource, attribute: string): boolean {
    return resource.unknown[attribute] === true;
  }

  /** Configuration (expressions) of a resource. */
  public configOf(address: string): ConfigResource | undefined {
    return this.config.get(address.replace(/\[[^\]]*\]$/, ''));
  }

  /**
   * The resources an attribute refers to in configuration, e.g. the `aws_lb` behind a listener's
   * `load_balancer_arn`. Works when the referenced value is unknown until apply.
   */
  public referencedAddresses(address: string, attribute: string): string[] {
    const expression = this.configOf(address)?.expressions?.[attribute] as ConfigExpression | undefined;
    const references = expression?.references ?? [];
    return [...new Set(references.map((ref) => ref.split('.').slice(0, 2).join('.')).filter((ref) => !ref.startsWith('data.') && !ref.startsWith('var.')))];
  }

  /** Managed resources of a type whose `attribute` refers to `target`. */
  public referrers(type: string, attribute: string, target: string): Resource[] {
    return this.ofType(type).filter((r) => this.referencedAddresses(r.address, attribute).includes(target));
  }

  /** The resource at an address. */
  public byAddress(address: string): Resource | undefined {
    return this.resources.find((r) => r.address === address);
  }

  /** Configuration of all `aws_iam_policy_document` data sources. */
  public policyDocumentConfigs(): ConfigResource[] {
    return [...this.config.values()].filter((r) => r.mode === 'data' && r.type === 'aws_iam_policy_document');
  }
}

/** First element of a nested block list (`metadata_options[0]`), or an empty object. */
export function block(values: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = values[name];
  if (Array.isArray(value)) return (value[0] as Record<string, unknown> | undefined) ?? {};
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  return {};
}

/** All elements of a nested block list. */
export function blocks(values: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = values[name];
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}
