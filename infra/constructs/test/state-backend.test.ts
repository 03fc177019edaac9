import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { App, Testing } from 'cdktf';
import { EnvironmentStack } from '../src/environment-stack.js';
import { StateBackend } from '../src/state-backend.js';
import { onlyResource, synth } from './helpers.js';

describe('StateBackend', () => {
  const out = synth((scope) => new StateBackend(scope, 'state', { bucketName: 'acme-prod-tfstate-123456789012' }));

  it('keeps state in a versioned, encrypted, private, TLS-only bucket that cannot be destroyed', () => {
    expect(onlyResource(out, 'aws_s3_bucket')).toMatchObject({ bucket: 'acme-prod-tfstate-123456789012', lifecycle: { prevent_destroy: true } });
    expect(out.text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(onlyResource(out, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
    expect(JSON.stringify(onlyResource(out, 'aws_s3_bucket_server_side_encryption_configuration'))).toContain('aws:kms');
    expect(JSON.stringify(out.json.data)).toContain('aws:SecureTransport');
  });
});

describe('EnvironmentStack', () => {
  it('stores state in the environment bucket with S3-native locking, one key per part', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new EnvironmentStack(app, 'acme-prod-app', { project: 'acme', environment: 'prod', accountId: '123456789012', region: 'eu-west-1', part: 'app' });
    const json = JSON.parse(Testing.synth(stack)) as { terraform: { backend: { s3: Record<string, unknown> } }; provider: { aws: Array<Record<string, unknown>> } };
    expect(json.terraform.backend.s3).toEqual({ bucket: 'acme-prod-tfstate-123456789012', key: 'acme/prod/app.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true });
    expect(json.provider.aws[0]).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: ['123456789012'],
      default_tags: [{ tags: { project: 'acme', environment: 'prod', service: 'app' } }],
    });
  });

  it('names the offending prop', () => {
    const app = new App({ outdir: Testing.app().outdir });
    expect(() => new EnvironmentStack(app, 'x', { project: 'acme', environment: 'prod', accountId: '42', region: 'eu-west-1' })).toThrow(/accountId "42" of x must be a 12-digit/);
    expect(() => new EnvironmentStack(app, 'y', { project: 'acme', environment: 'prod', accountId: '123456789012', region: 'Ireland' })).toThrow(/region "Ireland"/);
  });
});
