import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository/index.js';
import { Registry } from '../src/registry.js';
import { resourcesOf, synth } from './helpers.js';

describe('Registry', () => {
  const out = synth((scope) => new Registry(scope, 'registry', { repositories: ['acme/web', 'acme/worker'] }));

  it('creates immutable, scanned repositories', () => {
    expect(resourcesOf(out, 'aws_ecr_repository')).toHaveLength(2);
    expect(out.text).toHaveResourceWithProperties(EcrRepository, { name: 'acme/web', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } });
  });

  it('expires untagged images and keeps the last images', () => {
    const policy = JSON.parse(String(resourcesOf(out, 'aws_ecr_lifecycle_policy')[0]!.policy)) as { rules: Array<{ selection: { tagStatus: string } }> };
    expect(policy.rules.map((r) => r.selection.tagStatus)).toEqual(['untagged', 'any']);
  });

  it('refuses invalid names and an empty list', () => {
    expect(() => synth((scope) => new Registry(scope, 'registry', { repositories: ['Acme/Web'] }))).toThrow(/not a valid ECR name/);
    expect(() => synth((scope) => new Registry(scope, 'registry', { repositories: [] }))).toThrow(/at least one repository/);
  });
});
