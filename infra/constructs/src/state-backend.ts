import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { denyInsecureTransport } from './log-bucket.js';
import { policyDocument } from './policy-document.js';
import { blockPublicAccess } from './block-public-access.js';

export interface StateBackendProps {
  /** Name of the state bucket (globally unique), e.g. `pingdummy-prod-tfstate-333344445555`. */
  readonly bucketName: string;
  /**
   * Days non-current state versions are kept (the undo history of the state).
   * @default 90
   */
  readonly noncurrentVersionExpiryDays?: number;
}

/**
 * The S3 bucket holding Terraform state: versioned, encrypted, public access blocked, TLS-only,
 * `prevent_destroy`. Locking uses S3-native lock files (`use_lockfile`), so no DynamoDB table.
 * Apply it once with local state (it is its own bootstrap), then every other stack uses it.
 *
 * @example
 * new StateBackend(this, 'state', { bucketName: 'pingdummy-prod-tfstate-333344445555' });
 */
export class StateBackend extends Construct {
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket. */
  public readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const noncurrentVersionExpiryDays = props.noncurrentVersionExpiryDays ?? 90;
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;

    const bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, lifecycle: { preventDestroy: true } });
    new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    blockPublicAccess(this, bucket.id);
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [{
        id: 'expire-old-state-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionExpiryDays }],
      }],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: policyDocument(this, 'policy-document', [denyInsecureTransport(bucketArn)]).json,
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
  }
}
