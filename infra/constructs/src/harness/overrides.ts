/** A synthesized cdktf stack (`cdk.tf.json`), the parts the harness reads. */
export interface SynthesizedStack {
  readonly provider?: { readonly aws?: Array<Record<string, unknown>> };
  readonly output?: Record<string, { readonly value?: unknown }>;
  readonly data?: { readonly terraform_remote_state?: Record<string, unknown> };
}

const MOCK_ACCOUNT = '123456789012';

/** Name of the override file the harness drops next to `cdk.tf.json`. */
export const OVERRIDE_FILE = 'harness_override.tf.json';

/**
 * Terraform override (merged over `cdk.tf.json`, which stays untouched) that makes a stack plan
 * offline: local state, mock credentials with every AWS call at configure time skipped, and
 * remote state of other stacks replaced by placeholders of the right shape.
 */
export function offlineOverride(stack: SynthesizedStack, producers: Record<string, SynthesizedStack>, statePath: string): Record<string, unknown> {
  const providers = (stack.provider?.aws ?? [{}]).map((config) => ({
    ...(config.alias ? { alias: config.alias } : {}),
    region: config.region ?? 'us-east-1',
    access_key: 'mock-access-key',
    secret_key: 'mock-secret-key',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    // The account guard needs an AWS call to learn the account: drop it for the offline plan only.
    allowed_account_ids: null,
  }));
  const override: Record<string, unknown> = {
    terraform: { backend: { local: { path: statePath } } },
    provider: { aws: providers },
  };
  const remoteStates = stack.data?.terraform_remote_state ?? {};
  const data: Record<string, unknown> = {};
  for (const name of Object.keys(remoteStates)) {
    const producerName = name.replace(/^cross-stack-reference-input-/, '');
    const producer = producers[producerName];
    if (!producer) throw new Error(`Remote state "${name}" reads stack "${producerName}", which this app does not synthesize`);
    data[name] = {
      backend: 'local',
      // An empty state (see emptyStateFile): outputs fall back to `defaults`.
      config: { path: `${statePath}.empty-remote` },
      defaults: placeholderOutputs(producer),
    };
  }
  if (Object.keys(data).length > 0) override.data = { terraform_remote_state: data };
  return override;
}

/** Contents of an empty Terraform state: the local backend refuses a missing file, but reads this. */
export function emptyStateFile(): string {
  return `${JSON.stringify({ version: 4, terraform_version: '1.10.0', serial: 1, lineage: 'offline-plan-harness', outputs: {}, resources: [] })}\n`;
}

/** Values standing in for a producer stack's outputs, shaped after the attribute each one exports. */
export function placeholderOutputs(producer: SynthesizedStack): Record<string, unknown> {
  const region = String(producer.provider?.aws?.[0]?.region ?? 'us-east-1');
  const account = String((producer.provider?.aws?.[0]?.allowed_account_ids as string[] | undefined)?.[0] ?? MOCK_ACCOUNT);
  const values: Record<string, unknown> = {};
  let counter = 0;
  for (const [name, output] of Object.entries(producer.output ?? {})) {
    counter += 1;
    const value = output.value;
    // Consumers read only the outputs cdktf adds for cross-stack references: one attribute each.
    if (!name.startsWith('cross-stack-output-')) continue;
    values[name] = typeof value === 'string' && /^\$\{[^}]+\}$/.test(value) ? placeholderFor(value.slice(2, -1), counter, region, account) : value;
  }
  return values;
}

const ID_PREFIXES: Record<string, string> = {
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_security_group: 'sg',
  aws_internet_gateway: 'igw',
  aws_nat_gateway: 'nat',
  aws_route_table: 'rtb',
};

function placeholderFor(expression: string, counter: number, region: string, account: string): string {
  const [type = 'aws_unknown', , ...rest] = expression.split('.');
  const attribute = rest.join('.').replace(/\[\d+\]/g, '');
  const hex = counter.toString(16).padStart(17, '0');
  const service = type.split('_')[1] ?? 'unknown';
  if (/(^|[._])arn$/.test(attribute)) {
    if (attribute.includes('secret') || type === 'aws_secretsmanager_secret') return `arn:aws:secretsmanager:${region}:${account}:secret:placeholder-${counter}-AbCdEf`;
    if (type === 'aws_db_instance') return `arn:aws:rds:${region}:${account}:db:placeholder-${counter}`;
    if (type === 'aws_ecs_cluster') return `arn:aws:ecs:${region}:${account}:cluster/placeholder-${counter}`;
    if (type === 'aws_s3_bucket') return `arn:aws:s3:::placeholder-${counter}`;
    return `arn:aws:${service}:${region}:${account}:placeholder-${counter}`;
  }
  if (attribute === 'repository_url') return `${account}.dkr.ecr.${region}.amazonaws.com/placeholder-${counter}`;
  if (attribute === 'zone_id') return `Z${hex.toUpperCase().slice(-13)}`;
  if (attribute === 'address' || attribute === 'endpoint' || attribute === 'dns_name') return `placeholder-${counter}.${region}.example.internal`;
  if (attribute === 'id' && ID_PREFIXES[type]) return `${ID_PREFIXES[type]}-${hex}`;
  return `placeholder-${counter}`;
}
