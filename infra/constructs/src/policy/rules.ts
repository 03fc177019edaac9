import { PlanIndex, block, blocks, type ConfigExpression, type Resource } from './plan-model.js';

/** One broken rule, with what a person needs to fix it. */
export interface Violation {
  /** Rule ID, e.g. `imds-v2`. */
  readonly rule: string;
  /** Terraform address of the offending resource, prefixed by its stack. */
  readonly address: string;
  /** What is wrong. */
  readonly message: string;
}

export interface PolicyOptions {
  /** Apply production-only rules (RDS multi-AZ and deletion protection). */
  readonly production: boolean;
}

export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  /**
   * Checks one stack's plan. `environment` holds every stack of the environment (this one
   * included), for rules whose two halves live in different stacks (an ALB and its log bucket).
   */
  readonly check: (plan: PlanIndex, options: PolicyOptions, environment: readonly PlanIndex[]) => Array<Omit<Violation, 'rule'>>;
}

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const MODERN_TLS_POLICIES = new Set([
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
]);
/** Public load balancers' security groups are recognized by this name suffix (SecurityGroups names it so). */
const PUBLIC_LB_GROUP_SUFFIX = '-external-lb';
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|CREDENTIAL|DATABASE_URL/i;
const CREDENTIAL_VALUE = [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, /AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/];

const tagsOf = (r: Resource) => ({ ...(r.values.tags_all as Record<string, string> | undefined), ...(r.values.tags as Record<string, string> | undefined) });

const imdsV2: PolicyRule = {
  id: 'imds-v2',
  description: 'Launch templates and instances require IMDSv2 tokens with a hop limit of 1',
  check: (plan) =>
    [...plan.ofType('aws_launch_template'), ...plan.ofType('aws_instance')].flatMap((r) => {
      const options = block(r.values, 'metadata_options');
      const problems: string[] = [];
      if (options.http_tokens !== 'required') problems.push(`http_tokens is ${JSON.stringify(options.http_tokens ?? null)}, not "required"`);
      if (options.http_put_response_hop_limit !== 1) problems.push(`http_put_response_hop_limit is ${JSON.stringify(options.http_put_response_hop_limit ?? null)}, not 1`);
      return problems.map((message) => ({ address: r.address, message }));
    }),
};

const noPublicIpInPrivateSubnets: PolicyRule = {
  id: 'no-public-ip-in-private-subnets',
  description: 'Private subnets do not hand out public IPs and ECS tasks get none',
  check: (plan) => [
    ...plan.ofType('aws_subnet')
      .filter((r) => tagsOf(r).Tier === 'private' && r.values.map_public_ip_on_launch === true)
      .map((r) => ({ address: r.address, message: 'private subnet has map_public_ip_on_launch = true' })),
    ...plan.ofType('aws_ecs_service')
      .filter((r) => block(r.values, 'network_configuration').assign_public_ip === true)
      .map((r) => ({ address: r.address, message: 'ECS service assigns public IPs to its tasks' })),
  ],
};

function worldIngressMessage(plan: PlanIndex, rule: Resource, groupAddresses: string[], fromPort: unknown, toPort: unknown): string | undefined {
  const webPort = fromPort === toPort && (fromPort === 80 || fromPort === 443);
  const groups = groupAddresses.map((a) => plan.byAddress(a)).filter((g): g is Resource => g !== undefined);
  const onPublicLb = groups.length > 0 && groups.every((g) => String(g.values.name ?? '').endsWith(PUBLIC_LB_GROUP_SUFFIX));
  if (webPort && onPublicLb) return undefined;
  const where = groups.map((g) => String(g.values.name ?? g.address)).join(', ') || 'an unknown group';
  return `ingress from the internet on ports ${String(fromPort)}-${String(toPort)} of ${where}: only 80/443 on the public load balancer group (*${PUBLIC_LB_GROUP_SUFFIX}) may be open to the world (${rule.address})`;
}

const noWorldIngress: PolicyRule = {
  id: 'no-world-ingress',
  description: 'No ingress from 0.0.0.0/0 or ::/0 except 80/443 on the public load balancer',
  check: (plan) => {
    const found: Array<Omit<Violation, 'rule'>> = [];
    for (const r of plan.ofType('aws_vpc_security_group_ingress_rule')) {
      if (!WORLD.has(String(r.values.cidr_ipv4 ?? '')) && !WORLD.has(String(r.values.cidr_ipv6 ?? ''))) continue;
      const message = worldIngressMessage(plan, r, plan.referencedAddresses(r.address, 'security_group_id'), r.values.from_port, r.values.to_port);
      if (message) found.push({ address: r.address, message });
    }
    for (const r of plan.ofType('aws_security_group_rule')) {
      if (r.values.type !== 'ingress') continue;
      const ranges = [...((r.values.cidr_blocks as string[] | undefined) ?? []), ...((r.values.ipv6_cidr_blocks as string[] | undefined) ?? [])];
      if (!ranges.some((c) => WORLD.has(c))) continue;
      const message = worldIngressMessage(plan, r, plan.referencedAddresses(r.address, 'security_group_id'), r.values.from_port, r.values.to_port);
      if (message) found.push({ address: r.address, message });
    }
    for (const r of plan.ofType('aws_security_group')) {
      for (const ingress of blocks(r.values, 'ingress')) {
        const ranges = [...((ingress.cidr_blocks as string[] | undefined) ?? []), ...((ingress.ipv6_cidr_blocks as string[] | undefined) ?? [])];
        if (!ranges.some((c) => WORLD.has(c))) continue;
        const message = worldIngressMessage(plan, r, [r.address], ingress.from_port, ingress.to_port);
        if (message) found.push({ address: r.address, message });
      }
    }
    return found;
  },
};

const rdsHardening: PolicyRule = {
  id: 'rds-hardening',
  description: 'RDS is private, encrypted, backed up 7+ days; in production also multi-AZ and deletion-protected',
  check: (plan, options) =>
    plan.ofType('aws_db_instance').flatMap((r) => {
      const v = r.values;
      const problems: string[] = [];
      if (v.publicly_accessible !== false) problems.push('publicly_accessible is not false');
      if (v.storage_encrypted !== true) problems.push('storage_encrypted is not true');
      if (typeof v.backup_retention_period !== 'number' || v.backup_retention_period < 7) problems.push(`backup_retention_period is ${String(v.backup_retention_period)}, below 7 days`);
      if (options.production && v.deletion_protection !== true) problems.push('deletion_protection is off in production');
      if (options.production && v.multi_az !== true) problems.push('multi_az is off in production');
      return problems.map((message) => ({ address: r.address, message }));
    }),
};

interface PolicyStatement { Effect?: string; Action?: string | string[]; NotAction?: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, string | string[] | boolean>> }
const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

function parsePolicy(text: unknown): PolicyStatement[] | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    const document = JSON.parse(text) as { Statement?: PolicyStatement | PolicyStatement[] };
    return Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
  } catch {
    return undefined;
  }
}

function deniesInsecureTransport(statements: PolicyStatement[]): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Deny') return false;
    const value = s.Condition?.Bool?.['aws:SecureTransport'];
    return asList(value).includes('false');
  });
}

const s3Hardening: PolicyRule = {
  id: 's3-hardening',
  description: 'Every S3 bucket blocks public access and denies requests without TLS',
  check: (plan) =>
    plan.ofType('aws_s3_bucket').flatMap((bucket) => {
      const problems: string[] = [];
      const blocksOfBucket = plan.referrers('aws_s3_bucket_public_access_block', 'bucket', bucket.address);
      const fullyBlocked = blocksOfBucket.some((b) => ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => b.values[k] === true));
      if (!fullyBlocked) problems.push('no aws_s3_bucket_public_access_block with all four settings true');
      const policies = plan.referrers('aws_s3_bucket_policy', 'bucket', bucket.address);
      if (policies.length === 0) {
        problems.push('no bucket policy denying requests without TLS (aws:SecureTransport = false)');
      } else if (!policies.some((p) => deniesInsecureTransport(parsePolicy(p.values.policy) ?? []))) {
        const unknown = policies.some((p) => plan.isUnknown(p, 'policy'));
        problems.push(unknown ? 'bucket policy is unknown until apply, so TLS-only cannot be verified: build it from names, not computed ARNs' : 'bucket policy does not deny requests without TLS (aws:SecureTransport = false)');
      }
      return problems.map((message) => ({ address: bucket.address, message }));
    }),
};

const albHardening: PolicyRule = {
  id: 'alb-hardening',
  description: 'ALBs drop invalid headers and log access, are deletion-protected in production; public ones redirect HTTP to HTTPS and use a TLS 1.2+ policy',
  check: (plan, options) =>
    plan.ofType('aws_lb').filter((lb) => (lb.values.load_balancer_type ?? 'application') === 'application').flatMap((lb) => {
      const problems: string[] = [];
      if (lb.values.drop_invalid_header_fields !== true) problems.push('drop_invalid_header_fields is not true');
      if (block(lb.values, 'access_logs').enabled !== true) problems.push(`${lb.values.internal === true ? 'internal' : 'internet-facing'} load balancer without access logs`);
      if (options.production && lb.values.enable_deletion_protection !== true) problems.push('enable_deletion_protection is off in production');
      const listeners = plan.referrers('aws_lb_listener', 'load_balancer_arn', lb.address);
      if (lb.values.internal !== true) {
        for (const listener of listeners) {
          const protocol = listener.values.protocol;
          if (protocol === 'HTTP') {
            const action = block(listener.values, 'default_action');
            const redirect = block(action, 'redirect');
            if (action.type !== 'redirect' || redirect.protocol !== 'HTTPS') problems.push(`HTTP listener on port ${String(listener.values.port)} does not redirect to HTTPS (${listener.address})`);
          } else if (protocol === 'HTTPS' && !MODERN_TLS_POLICIES.has(String(listener.values.ssl_policy))) {
            problems.push(`HTTPS listener uses TLS policy ${String(listener.values.ssl_policy)}, not a TLS 1.2+ policy (${listener.address})`);
          }
        }
        if (!listeners.some((l) => l.values.protocol === 'HTTPS')) problems.push('internet-facing load balancer has no HTTPS listener');
      }
      return problems.map((message) => ({ address: lb.address, message }));
    }),
};

/** Whether an IAM/S3 resource pattern (`*` any run of characters, `?` one) matches a concrete ARN. */
export function arnPatternMatches(pattern: string, arn: string): boolean {
  const regex = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`).test(arn);
}

interface PrincipalBlock { AWS?: string | string[]; Service?: string | string[] }
const ELB_LOG_DELIVERY = /^arn:aws[a-z-]*:iam::\d{12}:root$|^logdelivery\.elasticloadbalancing\.amazonaws\.com$/;

/** Object ARNs an S3 bucket policy lets the ELB log-delivery principal write. */
function elbLogWriteResources(policy: unknown): string[] {
  const statements = parsePolicy(policy) as Array<PolicyStatement & { Principal?: PrincipalBlock | string }> | undefined;
  return (statements ?? [])
    .filter((s) => (s.Effect ?? 'Allow') === 'Allow' && asList(s.Action).some((a) => arnPatternMatches(a, 's3:PutObject')))
    .filter((s) => {
      const principal = typeof s.Principal === 'object' ? s.Principal : {};
      return [...asList(principal.AWS), ...asList(principal.Service)].some((p) => ELB_LOG_DELIVERY.test(p));
    })
    .flatMap((s) => asList(s.Resource));
}

const albLogDeliveryAllowed: PolicyRule = {
  id: 'alb-log-delivery-allowed',
  description: "Every ALB's access-log prefix is writable by ELB log delivery under its log bucket's policy",
  check: (plan, _options, environment) => {
    const writable = environment.flatMap((stack) => stack.ofType('aws_s3_bucket_policy').flatMap((p) => elbLogWriteResources(p.values.policy)));
    return plan.ofType('aws_lb').flatMap((lb) => {
      const logs = block(lb.values, 'access_logs');
      if (logs.enabled !== true) return [];
      const prefix = String(logs.prefix ?? '').replace(/^\/+|\/+$/g, '');
      const bucket = String(logs.bucket ?? '');
      // The bucket may live in another stack (its name is then a remote-state placeholder): any log bucket of the environment will do.
      const ofBucket = writable.filter((r) => r.startsWith(`arn:aws:s3:::${bucket}/`));
      const candidates = ofBucket.length > 0 ? ofBucket : writable;
      // ALB writes `<prefix>/AWSLogs/<account>/elasticloadbalancing/...`; the account is the one the policy names.
      const covered = candidates.some((resource) => {
        const bucketName = resource.replace(/^arn:aws:s3:::/, '').split('/')[0]!;
        const account = /AWSLogs\/(\d{12})\//.exec(resource)?.[1] ?? '123456789012';
        const key = `${prefix ? `${prefix}/` : ''}AWSLogs/${account}/elasticloadbalancing/region/2026/01/01/log.gz`;
        return arnPatternMatches(resource, `arn:aws:s3:::${bucketName}/${key}`);
      });
      if (covered) return [];
      const allowed = candidates.length > 0 ? candidates.join(', ') : 'no bucket policy of this environment lets ELB log delivery write';
      return [{ address: lb.address, message: `access logs go to prefix "${prefix}/AWSLogs/..." of bucket ${bucket}, which the log bucket policy does not let ELB log delivery write (allowed: ${allowed}): creating the load balancer fails with Access Denied` }];
    });
  },
};

const AWS_MANAGED_SNS_KEY = /^(alias\/aws\/sns|arn:aws[a-z-]*:kms:[^:]+:\d{12}:alias\/aws\/sns)$/;

interface KeyStatement extends PolicyStatement { Principal?: PrincipalBlock | string }

const snsTopicsPublishable: PolicyRule = {
  id: 'sns-topics-publishable',
  description: 'SNS topics are not encrypted with the AWS-managed key (CloudWatch cannot publish to them); their KMS keys let CloudWatch use them and rotate',
  check: (plan) =>
    plan.ofType('aws_sns_topic').flatMap((topic) => {
      const keyId = String(topic.values.kms_master_key_id ?? '');
      if (AWS_MANAGED_SNS_KEY.test(keyId)) {
        return [{ address: topic.address, message: 'kms_master_key_id is the AWS-managed alias/aws/sns, whose key policy CloudWatch cannot use: alarms would never be delivered. Use a customer-managed key allowing cloudwatch.amazonaws.com, or no encryption' }];
      }
      return plan.referencedAddresses(topic.address, 'kms_master_key_id')
        .map((address) => plan.byAddress(address))
        .filter((key): key is Resource => key?.type === 'aws_kms_key')
        .flatMap((key) => {
          const problems: string[] = [];
          if (key.values.enable_key_rotation !== true) problems.push(`key ${key.address} has no automatic rotation`);
          const statements = (parsePolicy(key.values.policy) ?? []) as KeyStatement[];
          const lets = (action: string) => statements.some((s) => (s.Effect ?? 'Allow') === 'Allow'
            && asList(typeof s.Principal === 'object' ? s.Principal.Service : undefined).includes('cloudwatch.amazonaws.com')
            && asList(s.Action).some((a) => arnPatternMatches(a, action)));
          if (plan.isUnknown(key, 'policy')) problems.push(`policy of key ${key.address} is unknown until apply, so it cannot be verified`);
          else if (!lets('kms:GenerateDataKey') || !lets('kms:Decrypt')) problems.push(`policy of key ${key.address} does not let cloudwatch.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt`);
          return problems.map((message) => ({ address: topic.address, message }));
        });
    }),
};

const ecsDeployWaits: PolicyRule = {
  id: 'ecs-deploy-waits',
  description: 'ECS services make the apply wait for steady state, so a failed rollout fails the deploy',
  check: (plan) =>
    plan.ofType('aws_ecs_service')
      .filter((r) => r.values.wait_for_steady_state !== true)
      .map((r) => ({ address: r.address, message: 'wait_for_steady_state is not true: the apply would succeed while the circuit breaker rolls the deployment back' })),
};

const ecrHardening: PolicyRule = {
  id: 'ecr-hardening',
  description: 'ECR repositories scan on push and have immutable tags',
  check: (plan) =>
    plan.ofType('aws_ecr_repository').flatMap((r) => {
      const problems: string[] = [];
      if (r.values.image_tag_mutability !== 'IMMUTABLE') problems.push(`image_tag_mutability is ${String(r.values.image_tag_mutability)}, not IMMUTABLE`);
      if (block(r.values, 'image_scanning_configuration').scan_on_push !== true) problems.push('scan_on_push is not true');
      return problems.map((message) => ({ address: r.address, message }));
    }),
};

const logRetention: PolicyRule = {
  id: 'log-retention',
  description: 'Every CloudWatch log group has a retention period',
  check: (plan) =>
    plan.ofType('aws_cloudwatch_log_group')
      .filter((r) => typeof r.values.retention_in_days !== 'number' || r.values.retention_in_days <= 0)
      .map((r) => ({ address: r.address, message: 'retention_in_days is not set: logs would be kept (and billed) forever' })),
};

interface ContainerDefinition { name?: string; user?: string; privileged?: boolean; environment?: Array<{ name?: string; value?: string }> }

function containersOf(plan: PlanIndex, r: Resource): ContainerDefinition[] | string {
  if (plan.isUnknown(r, 'container_definitions')) return 'container_definitions are unknown until apply, so they cannot be verified';
  try {
    return JSON.parse(String(r.values.container_definitions)) as ContainerDefinition[];
  } catch {
    return 'container_definitions are not valid JSON';
  }
}

const noSecretsInEnvironment: PolicyRule = {
  id: 'no-secrets-in-environment',
  description: "No secret in a task definition's plain environment (use secrets from Secrets Manager/SSM)",
  check: (plan) =>
    plan.ofType('aws_ecs_task_definition').flatMap((r) => {
      const containers = containersOf(plan, r);
      if (typeof containers === 'string') return [{ address: r.address, message: containers }];
      return containers.flatMap((c) =>
        (c.environment ?? [])
          .filter((e) => SECRET_NAME.test(e.name ?? '') || CREDENTIAL_VALUE.some((pattern) => pattern.test(e.value ?? '')))
          .map((e) => ({ address: r.address, message: `container ${c.name ?? '?'} has ${e.name ?? '?'} in its plain environment; move it to secrets` })),
      );
    }),
};

const nonRootContainers: PolicyRule = {
  id: 'non-root-containers',
  description: 'Containers run as a non-root user and are not privileged',
  check: (plan) =>
    plan.ofType('aws_ecs_task_definition').flatMap((r) => {
      const containers = containersOf(plan, r);
      if (typeof containers === 'string') return [{ address: r.address, message: containers }];
      return containers.flatMap((c) => {
        const problems: string[] = [];
        const user = String(c.user ?? '').trim();
        if (user === '' || user === 'root' || user === '0' || /^(0|root):/.test(user)) problems.push(`container ${c.name ?? '?'} runs as root (user ${JSON.stringify(c.user ?? null)})`);
        if (c.privileged === true) problems.push(`container ${c.name ?? '?'} is privileged`);
        return problems.map((message) => ({ address: r.address, message }));
      });
    }),
};

/** Managed policies that make their holder an administrator (IAMFullAccess can create one). */
const ADMIN_POLICIES = new Set(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/IAMFullAccess']);
const POLICY_ATTRIBUTES = ['policy', 'assume_role_policy', 'json'];

/**
 * Actions that grant everything, or any IAM write: `*`, `*:*`, `iam:*`, and IAM wildcards other
 * than reads (`iam:Get*`, `iam:List*`).
 */
function unboundedAction(action: string): boolean {
  if (action === '*' || action === '*:*') return true;
  const [service, name = ''] = action.toLowerCase().split(':');
  return service === 'iam' && name.includes('*') && !/^(get|list)[a-z]*\*$/.test(name);
}

/** The unbounded action an Allow statement grants on `*` (NotAction counts as everything but a few), if any. */
function unboundedGrant(effect: unknown, actions: string[], notActions: string[], resources: string[]): string | undefined {
  if ((effect ?? 'Allow') !== 'Allow' || !resources.includes('*')) return undefined;
  if (notActions.length > 0) return `NotAction ${notActions.join(', ')}`;
  return actions.find(unboundedAction);
}

const iamNoWildcardAdmin: PolicyRule = {
  id: 'iam-no-wildcard-admin',
  description: 'No IAM policy allows `*`, `iam:*` (or NotAction) on `*` resources; AdministratorAccess and IAMFullAccess are never attached',
  check: (plan) => {
    const found: Array<Omit<Violation, 'rule'>> = [];
    for (const r of [...plan.resources, ...plan.dataSources]) {
      const policies = [
        ...POLICY_ATTRIBUTES.map((attribute) => ({ where: attribute, text: r.values[attribute] })),
        ...blocks(r.values, 'inline_policy').map((inline) => ({ where: 'inline_policy', text: inline.policy })),
      ];
      for (const { where, text } of policies) {
        for (const s of parsePolicy(text) ?? []) {
          const grant = unboundedGrant(s.Effect, asList(s.Action), asList(s.NotAction), asList(s.Resource));
          if (grant) found.push({ address: r.address, message: `${where} allows ${grant} on *` });
        }
      }
      const attached = /_policy_attachment$/.test(r.type) ? [String(r.values.policy_arn)] : asList(r.values.managed_policy_arns);
      for (const arn of attached.filter((a) => ADMIN_POLICIES.has(a))) {
        found.push({ address: r.address, message: `attaches ${arn.split('/').pop()!}` });
      }
    }
    // Policy documents whose JSON is only known at apply: read the statements from configuration.
    for (const document of plan.policyDocumentConfigs()) {
      const statements = (document.expressions?.statement as Array<Record<string, ConfigExpression>> | undefined) ?? [];
      for (const statement of statements) {
        const grant = unboundedGrant(
          statement.effect?.constant_value,
          asList(statement.actions?.constant_value),
          asList(statement.not_actions?.constant_value),
          asList(statement.resources?.constant_value),
        );
        if (grant) found.push({ address: document.address, message: `policy document allows ${grant} on *` });
      }
    }
    return dedupe(found);
  },
};

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** A condition of a trust statement, whether read from policy JSON or from configuration. */
interface TrustCondition { readonly test: string; readonly variable: string; readonly values: string[] }

/** What is wrong with a GitHub web-identity trust statement, if anything. */
function githubTrustProblem(conditions: TrustCondition[]): string | undefined {
  const subjects = conditions.filter((c) => c.variable === `${GITHUB_OIDC_HOST}:sub`);
  if (subjects.length === 0) return 'GitHub OIDC trust without a condition on the token subject: any repository on GitHub could assume the role';
  for (const c of subjects) {
    if (c.test !== 'StringEquals') return `GitHub OIDC subject compared with ${c.test}, not StringEquals: patterns admit other branches, pull requests or forks`;
    const wildcard = c.values.find((v) => v.includes('*') || v.includes('?'));
    if (wildcard) return `GitHub OIDC subject ${wildcard} is a pattern: list exact environments and branches`;
  }
  return undefined;
}

const githubOidcTrustScoped: PolicyRule = {
  id: 'github-oidc-trust-scoped',
  description: 'Roles trusting GitHub Actions pin exact subjects (environments, branches) with StringEquals, never a wildcard',
  check: (plan) => {
    const found: Array<Omit<Violation, 'rule'>> = [];
    for (const r of [...plan.resources, ...plan.dataSources]) {
      for (const attribute of POLICY_ATTRIBUTES) {
        for (const s of parsePolicy(r.values[attribute]) ?? []) {
          if (!asList(s.Action).includes('sts:AssumeRoleWithWebIdentity')) continue;
          const conditions = Object.entries(s.Condition ?? {}).flatMap(([test, entries]) =>
            Object.entries(entries).map(([variable, values]) => ({ test, variable, values: asList(values) })));
          const github = JSON.stringify((s as { Principal?: unknown }).Principal ?? '').includes(GITHUB_OIDC_HOST) || conditions.some((c) => c.variable.startsWith(GITHUB_OIDC_HOST));
          const problem = github ? githubTrustProblem(conditions) : undefined;
          if (problem) found.push({ address: r.address, message: problem });
        }
      }
    }
    // Trust documents whose JSON is only known at apply (the provider ARN): read them from configuration.
    for (const document of plan.policyDocumentConfigs()) {
      const statements = (document.expressions?.statement as Array<Record<string, unknown>> | undefined) ?? [];
      for (const statement of statements) {
        if (!asList((statement.actions as ConfigExpression | undefined)?.constant_value).includes('sts:AssumeRoleWithWebIdentity')) continue;
        const conditions = ((statement.condition as Array<Record<string, ConfigExpression>> | undefined) ?? []).map((c) => ({
          test: String(c.test?.constant_value ?? ''),
          variable: String(c.variable?.constant_value ?? ''),
          values: asList(c.values?.constant_value),
        }));
        const problem = conditions.some((c) => c.variable.startsWith(GITHUB_OIDC_HOST)) ? githubTrustProblem(conditions) : undefined;
        if (problem) found.push({ address: document.address, message: problem });
      }
    }
    return dedupe(found);
  },
};

const iamRolePermissionsBoundary: PolicyRule = {
  id: 'iam-role-permissions-boundary',
  description: 'Every IAM role carries a permissions boundary',
  check: (plan) =>
    plan.ofType('aws_iam_role')
      .filter((r) => !plan.isUnknown(r, 'permissions_boundary') && !String(r.values.permissions_boundary ?? ''))
      .map((r) => ({ address: r.address, message: `role ${String(r.values.name ?? '?')} has no permissions_boundary: create it with stackRole (the deploy role may not create it otherwise)` })),
};

const vpcFlowLogs: PolicyRule = {
  id: 'vpc-flow-logs',
  description: 'Every VPC has flow logs',
  check: (plan) =>
    plan.ofType('aws_vpc')
      .filter((vpc) => plan.referrers('aws_flow_log', 'vpc_id', vpc.address).length === 0)
      .map((vpc) => ({ address: vpc.address, message: 'VPC without aws_flow_log' })),
};

const cloudTrailHardening: PolicyRule = {
  id: 'cloudtrail-hardening',
  description: 'CloudTrail trails are multi-region, include global service events and validate log files',
  check: (plan) =>
    plan.ofType('aws_cloudtrail').flatMap((r) => {
      const problems: string[] = [];
      if (r.values.is_multi_region_trail !== true) problems.push('is_multi_region_trail is not true: activity in other regions goes unrecorded');
      if (r.values.include_global_service_events !== true) problems.push('include_global_service_events is not true: IAM and STS calls go unrecorded');
      if (r.values.enable_log_file_validation !== true) problems.push('enable_log_file_validation is not true: changed or deleted log files cannot be detected');
      if (r.values.enable_logging === false) problems.push('enable_logging is false');
      return problems.map((message) => ({ address: r.address, message }));
    }),
};

const publicAlbWebAcl: PolicyRule = {
  id: 'public-alb-web-acl',
  description: 'In production, every internet-facing ALB is associated with a WAF web ACL',
  check: (plan, options) =>
    !options.production ? [] : plan.ofType('aws_lb')
      .filter((lb) => (lb.values.load_balancer_type ?? 'application') === 'application' && lb.values.internal !== true)
      .filter((lb) => plan.referrers('aws_wafv2_web_acl_association', 'resource_arn', lb.address).length === 0)
      .map((lb) => ({ address: lb.address, message: 'internet-facing load balancer without aws_wafv2_web_acl_association (WebService webAclArn)' })),
};

/** Tags every taggable resource carries (the provider's default tags), so costs split per environment and service. */
export const COST_ALLOCATION_TAGS = ['project', 'environment', 'service'] as const;

const costAllocationTags: PolicyRule = {
  id: 'cost-allocation-tags',
  description: 'Every taggable resource carries the project, environment and service tags',
  check: (plan) =>
    plan.resources
      .filter((r) => 'tags_all' in r.values || plan.isUnknown(r, 'tags_all'))
      .flatMap((r) => {
        const tags = (r.values.tags_all as Record<string, string> | null | undefined) ?? {};
        const missing = COST_ALLOCATION_TAGS.filter((key) => !tags[key]);
        return missing.length > 0 ? [{ address: r.address, message: `missing tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` }] : [];
      }),
};

function dedupe(found: Array<Omit<Violation, 'rule'>>): Array<Omit<Violation, 'rule'>> {
  const seen = new Set<string>();
  return found.filter((v) => {
    const key = `${v.address}\n${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every rule, in report order. */
export const POLICY_RULES: readonly PolicyRule[] = [
  imdsV2,
  noPublicIpInPrivateSubnets,
  noWorldIngress,
  rdsHardening,
  s3Hardening,
  albHardening,
  albLogDeliveryAllowed,
  ecrHardening,
  logRetention,
  noSecretsInEnvironment,
  nonRootContainers,
  iamNoWildcardAdmin,
  iamRolePermissionsBoundary,
  githubOidcTrustScoped,
  vpcFlowLogs,
  cloudTrailHardening,
  publicAlbWebAcl,
  costAllocationTags,
  snsTopicsPublishable,
  ecsDeployWaits,
];
