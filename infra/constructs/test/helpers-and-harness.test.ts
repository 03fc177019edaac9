import { cidrSubnet } from '../src/cidr.js';
import { assertImmutableImageTag, resolveImageTag } from '../src/image-tag.js';
import { emptyStateFile, offlineOverride, placeholderOutputs } from '../src/harness/overrides.js';
import { mirrorRoot, writeCliConfig } from '../src/harness/terraform-cli.js';
import { MISSING_MIRROR_MESSAGE, defaultMirrorSearch, findProviderMirror } from '../src/harness/provider-mirror.js';
import { requireProviderMirror } from '../src/harness/plan-environment.js';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('cidrSubnet', () => {
  it('matches Terraform cidrsubnet()', () => {
    expect(cidrSubnet('10.0.0.0/16', 4, 0)).toBe('10.0.0.0/20');
    expect(cidrSubnet('10.0.0.0/16', 4, 15)).toBe('10.0.240.0/20');
    expect(cidrSubnet('172.16.0.0/12', 8, 3)).toBe('172.16.48.0/20');
    expect(cidrSubnet('10.1.2.3/16', 8, 1)).toBe('10.1.1.0/24');
  });

  it('refuses numbers that do not fit', () => {
    expect(() => cidrSubnet('10.0.0.0/16', 2, 4)).toThrow(/does not fit in 2 bits/);
    expect(() => cidrSubnet('10.0.0/16', 2, 0)).toThrow(/Invalid IPv4 CIDR/);
  });
});

describe('image tags', () => {
  it('takes IMAGE_TAG, else the git commit, and refuses moving tags', () => {
    expect(resolveImageTag({ IMAGE_TAG: 'v1.2.3' })).toBe('v1.2.3');
    expect(resolveImageTag({}, process.cwd())).toMatch(/^[0-9a-f]{12}$/);
    expect(() => assertImmutableImageTag('latest')).toThrow(/moving target/);
    expect(() => resolveImageTag({}, os.tmpdir())).toThrow(/IMAGE_TAG is not set and no git commit was found/);
  });
});

describe('offline plan overrides', () => {
  const producer = {
    provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['333344445555'] }] },
    output: {
      'cross-stack-output-aws_subnetnetwork_a_1id': { value: '${aws_subnet.network_a_1.id}' },
      'cross-stack-output-aws_sns_topicalarms_c_2arn': { value: '${aws_sns_topic.alarms_c_2.arn}' },
      'cross-stack-output-aws_db_instancedb_3master_user_secret0secret_arn': { value: '${aws_db_instance.db_3.master_user_secret[0].secret_arn}' },
      'cross-stack-output-aws_ecr_repositoryr_4repository_url': { value: '${aws_ecr_repository.r_4.repository_url}' },
      vpc_id: { value: '${aws_vpc.v.id}' },
    },
  };

  it('stands in for cross-stack outputs with values of the right shape', () => {
    const values = placeholderOutputs(producer);
    expect(values['cross-stack-output-aws_subnetnetwork_a_1id']).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(values['cross-stack-output-aws_sns_topicalarms_c_2arn']).toMatch(/^arn:aws:sns:eu-west-1:333344445555:/);
    expect(values['cross-stack-output-aws_db_instancedb_3master_user_secret0secret_arn']).toMatch(/^arn:aws:secretsmanager:eu-west-1:333344445555:secret:/);
    expect(values['cross-stack-output-aws_ecr_repositoryr_4repository_url']).toMatch(/^333344445555\.dkr\.ecr\.eu-west-1\.amazonaws\.com\//);
    expect(values.vpc_id).toBeUndefined();
  });

  it('swaps the backend for local state, mocks credentials and reads remote state from an empty state with defaults', () => {
    const consumer = { provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['333344445555'] }] }, data: { terraform_remote_state: { 'cross-stack-reference-input-base': {} } } };
    const override = offlineOverride(consumer, { base: producer }, '/tmp/x.tfstate') as { terraform: unknown; provider: { aws: Array<Record<string, unknown>> }; data: { terraform_remote_state: Record<string, { backend: string; defaults: Record<string, unknown> }> } };
    expect(override.terraform).toEqual({ backend: { local: { path: '/tmp/x.tfstate' } } });
    expect(override.provider.aws[0]).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true, allowed_account_ids: null });
    expect(override.data.terraform_remote_state['cross-stack-reference-input-base']!.backend).toBe('local');
    expect(Object.keys(override.data.terraform_remote_state['cross-stack-reference-input-base']!.defaults)).toHaveLength(4);
    expect(JSON.parse(emptyStateFile())).toMatchObject({ version: 4, outputs: {} });
  });

  it('names the missing producer', () => {
    const consumer = { data: { terraform_remote_state: { 'cross-stack-reference-input-elsewhere': {} } } };
    expect(() => offlineOverride(consumer, {}, '/tmp/x')).toThrow(/reads stack "elsewhere"/);
  });
});

describe('Terraform CLI configuration', () => {
  it('uses the filesystem mirror given either as its root or as its registry.terraform.io folder', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mirror-'));
    mkdirSync(path.join(root, 'registry.terraform.io'));
    expect(mirrorRoot(root)).toBe(root);
    expect(mirrorRoot(path.join(root, 'registry.terraform.io'))).toBe(root);
    const file = writeCliConfig(path.join(root, 'cli'), root);
    expect(readFileSync(file, 'utf8')).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(root)}`);
    expect(readdirSync(path.join(root, 'cli'))).toEqual(['terraformrc']);
    expect(() => mirrorRoot(path.join(root, 'nothing'))).toThrow(/TF_PROVIDER_MIRROR .* holds no registry.terraform.io/);
  });

  it('shares a plugin cache only without a mirror: the cache is not safe for concurrent inits', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mirror-'));
    mkdirSync(path.join(root, 'registry.terraform.io'));
    expect(readFileSync(writeCliConfig(path.join(root, 'with-mirror'), root), 'utf8')).not.toContain('plugin_cache_dir');
    const registryConfig = readFileSync(writeCliConfig(path.join(root, 'registry'), undefined), 'utf8');
    expect(registryConfig).not.toContain('filesystem_mirror');
    expect(registryConfig).toContain(`plugin_cache_dir = ${JSON.stringify(path.join(root, 'registry', 'plugin-cache'))}`);
    expect(existsSync(path.join(root, 'registry', 'plugin-cache'))).toBe(true);
  });
});

describe('provider mirror discovery', () => {
  const fakeMirror = (parent: string, name: string) => {
    const mirror = path.join(parent, name);
    mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'), { recursive: true });
    return mirror;
  };

  it('prefers TF_PROVIDER_MIRROR, then an implied mirror directory, then a child of a usual parent', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mirrors-'));
    const implied = fakeMirror(root, 'implied');
    const parent = path.join(root, 'opt');
    const underParent = fakeMirror(parent, 'tf-plugins');
    mkdirSync(path.join(parent, 'aaa-unrelated'));
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: '/explicit' }, { mirrors: [implied], parents: [parent] })).toBe('/explicit');
    expect(findProviderMirror({}, { mirrors: [path.join(root, 'missing'), implied], parents: [parent] })).toBe(implied);
    expect(findProviderMirror({}, { mirrors: [], parents: [path.join(root, 'missing'), parent] })).toBe(underParent);
  });

  it('fails plan tests with one line saying how to get a mirror when there is none', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'no-mirror-'));
    const search = { mirrors: [empty], parents: [empty] };
    expect(findProviderMirror({}, search)).toBeUndefined();
    expect(() => requireProviderMirror({}, search)).toThrow(MISSING_MIRROR_MESSAGE);
    expect(MISSING_MIRROR_MESSAGE).not.toContain('\n');
    expect(MISSING_MIRROR_MESSAGE).toMatch(/set TF_PROVIDER_MIRROR .*terraform providers mirror/);
  });

  it("lists Terraform's implied local mirror directories", () => {
    const search = defaultMirrorSearch({ HOME: '/home/u' });
    expect(search.mirrors).toEqual(['/home/u/.terraform.d/plugins', '/home/u/.local/share/terraform/plugins', '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins']);
    expect(search.parents).toContain('/opt');
  });
});
