import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { denyInsecureTransport } from './log-bucket.js';
import { policyDocument } from './policy-document.js';
import { blockPublicAccess } from './block-public-access.js';

export interface AuditBucketProps {
  /** Bucket name (globally unique), e.g. `pingdummy-prod-cloudtrail-333344445555`. */
  readonly bucketName: string;
  /**
   * Statements granting the AWS service that delivers to the bucket (added to the TLS-only denial).
   * Build ARNs from `bucketName`, not from the bucket, so the policy is known at plan time.
   */
  readonly deliveryStatements: DataAwsIamPolicyDocumentStatement[];
  /**
   * Days after which objects (and their old versions) are deleted.
   * @default 365
   */
  readonly expirationDays?: number;
  /**
   * Allow `terraform destroy` to delete a bucket that still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Refuse `terraform destroy` of the bucket (`prevent_destroy`; production: audit records outlive
   * the stack).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * A bucket an AWS service delivers audit records to (CloudTrail, AWS Config): public access
 * blocked, objects owned by the bucket owner, SSE-S3, versioned (an overwritten record keeps its
 * previous version), TLS-only, expiring.
 *
 * @example
 * const bucket = new AuditBucket(this, 'bucket', { bucketName: 'acme-prod-cloudtrail-333344445555', deliveryStatements: [...] });
 */
export class AuditBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket policy (services check it before their first delivery: depend on it). */
  public readonly policy: S3BucketPolicy;
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket. */
  public readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    const expirationDays = props.expirationDays ?? 365;
    const forceDestroy = props.forceDestroy ?? false;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) throw new Error(`AuditBucket bucketName "${props.bucketName}" is not a valid S3 bucket name`);

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy, lifecycle: { preventDestroy: props.preventDestroy ?? false } });
    blockPublicAccess(this, this.bucket.id);
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [{
        id: 'expire-records',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: expirationDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: expirationDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      }],
    });
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyDocument(this, 'policy-document', [denyInsecureTransport(bucketArn), ...props.deliveryStatements]).json,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
  }
}
