import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { LogBucket } from '../src/log-bucket.js';
import { ACCOUNT, onlyResource, synth } from './helpers.js';

type Statement = { sid?: string; effect?: string; principals?: Array<{ type: string; identifiers: string[] }>; condition?: unknown[] };

function statements(region: string): Statement[] {
  const out = synth((scope) => new LogBucket(scope, 'logs', { name: 'acme-prod', accountId: ACCOUNT, region }));
  return (out.json.data!.aws_iam_policy_document!['logs_policy-document_5E0F40A3'] ?? Object.values(out.json.data!.aws_iam_policy_document!)[0]!).statement as Statement[];
}

describe('LogBucket', () => {
  const out = synth((scope) => new LogBucket(scope, 'logs', { name: 'acme-prod', accountId: ACCOUNT, region: 'eu-west-1' }));

  it('names the bucket after the account, blocks public access and encrypts with SSE-S3 (not KMS)', () => {
    expect(onlyResource(out, 'aws_s3_bucket').bucket).toBe(`acme-prod-lb-logs-${ACCOUNT}`);
    expect(out.text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const encryption = onlyResource(out, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(JSON.stringify(encryption)).toContain('"sse_algorithm":"AES256"');
  });

  it('expires logs', () => {
    expect(JSON.stringify(onlyResource(out, 'aws_s3_bucket_lifecycle_configuration'))).toContain('"days":90');
  });

  it('denies requests without TLS and lets the region ELB account write logs', () => {
    const policy = statements('eu-west-1');
    expect(policy.find((s) => s.sid === 'DenyInsecureTransport')).toMatchObject({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
    expect(policy.find((s) => s.sid === 'ElbLogDelivery')!.principals).toEqual([{ type: 'AWS', identifiers: ['arn:aws:iam::156460612806:root'] }]);
  });

  it('uses the log-delivery service principal in regions without an ELB account', () => {
    expect(statements('ap-southeast-7').find((s) => s.sid === 'ElbLogDelivery')!.principals).toEqual([{ type: 'Service', identifiers: ['logdelivery.elasticloadbalancing.amazonaws.com'] }]);
  });

  it('refuses an account ID that is not 12 digits', () => {
    expect(() => synth((scope) => new LogBucket(scope, 'logs', { name: 'acme', accountId: '123', region: 'eu-west-1' }))).toThrow(/12-digit/);
  });
});
