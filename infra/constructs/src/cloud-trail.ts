import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail/index.js';
import { Construct } from 'constructs';
import { AuditBucket } from './audit-bucket.js';
import { assertResourceName } from './naming.js';

export interface CloudTrailProps {
  /** Prefix of the trail and bucket names, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** AWS account of the trail (log objects land under `AWSLogs/<account>/`). */
  readonly accountId: string;
  /** Home region of the trail. */
  readonly region: string;
  /**
   * Bucket name; must be globally unique.
   * @default `${name}-cloudtrail-${accountId}`
   */
  readonly bucketName?: string;
  /**
   * Days log files are kept.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Refuse `terraform destroy` of the audit bucket (production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * A multi-region CloudTrail trail of management events, with log file validation (a signed
 * digest every hour proves no file was changed or deleted), delivering to its own AuditBucket
 * whose policy lets only this trail write. Log files are encrypted with SSE-S3.
 *
 * @example
 * const trail = new CloudTrail(this, 'trail', { name: 'pingdummy-prod', accountId: '333344445555', region: 'eu-west-1' });
 * // aws cloudtrail validate-logs --trail-arn <trail.trailArn> --start-time 2026-01-01T00:00:00Z
 */
export class CloudTrail extends Construct {
  /** The trail. */
  public readonly trail: Cloudtrail;
  /** ARN of the trail. */
  public readonly trailArn: string;
  /** The bucket holding the log files. */
  public readonly bucket: AuditBucket;
  /** Name of that bucket. */
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: CloudTrailProps) {
    super(scope, id);
    const bucketName = props.bucketName ?? `${props.name}-cloudtrail-${props.accountId}`;
    const retentionDays = props.retentionDays ?? 365;
    assertResourceName('CloudTrail name', props.name);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`CloudTrail accountId "${props.accountId}" must be a 12-digit AWS account ID`);

    const trailName = `${props.name}-trail`;
    // Built from names so the bucket policy is known at plan time; aws:SourceArn keeps other trails out.
    const trailArn = `arn:aws:cloudtrail:${props.region}:${props.accountId}:trail/${trailName}`;
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    const fromThisTrail = { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] };
    const cloudtrail = [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }];
    this.bucket = new AuditBucket(this, 'bucket', {
      preventDestroy: props.preventDestroy,
      bucketName,
      expirationDays: retentionDays,
      deliveryStatements: [
        { sid: 'CloudTrailAclCheck', actions: ['s3:GetBucketAcl'], resources: [bucketArn], principals: cloudtrail, condition: [fromThisTrail] },
        {
          sid: 'CloudTrailWrite',
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/AWSLogs/${props.accountId}/*`],
          principals: cloudtrail,
          condition: [fromThisTrail, { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }],
        },
      ],
    });
    this.trail = new Cloudtrail(this, 'trail', {
      name: trailName,
      s3BucketName: this.bucket.bucketName,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [this.bucket.policy],
    });
    this.trailArn = this.trail.arn;
    this.bucketName = this.bucket.bucketName;
  }
}
