import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { ELB_LOG_DELIVERY_SERVICE_PRINCIPAL, elbLogDeliveryAccount } from './elb-log-delivery.js';
import { assertResourceName } from './naming.js';
import { policyDocument } from './policy-document.js';
import { blockPublicAccess } from './block-public-access.js';

export interface LogBucketProps {
  /** Prefix of the bucket name, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** AWS account that owns the bucket (log objects land under `[<prefix>/]AWSLogs/<account>/`). */
  readonly accountId: string;
  /** Region of the bucket and of the load balancers writing to it. */
  readonly region: string;
  /**
   * Bucket name; must be globally unique.
   * @default `${name}-lb-logs-${accountId}`
   */
  readonly bucketName?: string;
  /**
   * Days after which log objects are deleted.
   * @default 90
   */
  readonly expirationDays?: number;
  /**
   * Allow `terraform destroy` to delete a bucket that still holds logs.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Refuse `terraform destroy` of the bucket (`prevent_destroy`; production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** A TLS-only policy statement denying any request made without HTTPS. */
export function denyInsecureTransport(bucketArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    actions: ['s3:*'],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: '*', identifiers: ['*'] }],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

/**
 * The S3 bucket load balancers write their access logs to: public access blocked, SSE-S3
 * (ALB log delivery does not support KMS keys), TLS-only, expiring objects, and write access
 * for the region's ELB log-delivery principal.
 *
 * @example
 * const logs = new LogBucket(this, 'log-bucket', { name: 'pingdummy-prod', accountId: '111122223333', region: 'eu-west-1' });
 * // WebService({ accessLogBucketName: logs.bucketName, ... })
 */
export class LogBucket extends Construct {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** Name of the bucket. */
  public readonly bucketName: string;
  /** ARN of the bucket. */
  public readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const bucketName = props.bucketName ?? `${props.name}-lb-logs-${props.accountId}`;
    const expirationDays = props.expirationDays ?? 90;
    const forceDestroy = props.forceDestroy ?? false;
    const preventDestroy = props.preventDestroy ?? false;
    assertResourceName('LogBucket name', props.name);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`LogBucket accountId "${props.accountId}" must be a 12-digit AWS account ID`);

    // Built from the name (not bucket.arn) so the policy is known at plan time and reviewable.
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: bucketName, forceDestroy, lifecycle: { preventDestroy } });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    blockPublicAccess(this, this.bucket.id);
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    // Load balancers write `[<prefix>/]AWSLogs/<account>/...`: allow both, any prefix (each service logs under its name).
    const logObjects = [`${bucketArn}/AWSLogs/${props.accountId}/*`, `${bucketArn}/*/AWSLogs/${props.accountId}/*`];
    const deliveryAccount = elbLogDeliveryAccount(props.region);
    const policy = policyDocument(this, 'policy-document', [
      denyInsecureTransport(bucketArn),
      {
        sid: 'ElbLogDelivery',
        actions: ['s3:PutObject'],
        resources: logObjects,
        principals: deliveryAccount
          ? [{ type: 'AWS', identifiers: [`arn:aws:iam::${deliveryAccount}:root`] }]
          : [{ type: 'Service', identifiers: [ELB_LOG_DELIVERY_SERVICE_PRINCIPAL] }],
      },
    ]);
    new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: policy.json });
  }
}
