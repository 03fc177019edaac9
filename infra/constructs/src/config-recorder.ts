import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status/index.js';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder/index.js';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel/index.js';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role/index.js';
import { Construct } from 'constructs';
import { AuditBucket } from './audit-bucket.js';
import { assertResourceName } from './naming.js';

export interface ConfigRecorderProps {
  /** Prefix of the recorder and bucket names, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** AWS account recorded. */
  readonly accountId: string;
  /**
   * Bucket name; must be globally unique.
   * @default `${name}-config-${accountId}`
   */
  readonly bucketName?: string;
  /**
   * Create AWS Config's service-linked role (`AWSServiceRoleForConfig`); turn off when the
   * account already has it (created by the console, Control Tower or another region's stack).
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * Record global resources (IAM) too; keep it on in one region only.
   * @default true
   */
  readonly includeGlobalResourceTypes?: boolean;
  /**
   * Days configuration snapshots and history are kept.
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
 * AWS Config recording every supported resource of the region, delivering to its own
 * AuditBucket, through the service-linked role (no role of ours to bound). AWS Config bills
 * each configuration item recorded (USD 0.003 in us-east-1 at the time of writing): an
 * environment whose ECS tasks and scaling churn records thousands a month.
 *
 * @example
 * new ConfigRecorder(this, 'config', { name: 'pingdummy-prod', accountId: '333344445555' });
 */
export class ConfigRecorder extends Construct {
  /** Name of the configuration recorder. */
  public readonly recorderName: string;
  /** The bucket holding snapshots and history. */
  public readonly bucket: AuditBucket;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const bucketName = props.bucketName ?? `${props.name}-config-${props.accountId}`;
    const createServiceLinkedRole = props.createServiceLinkedRole ?? true;
    const includeGlobalResourceTypes = props.includeGlobalResourceTypes ?? true;
    const retentionDays = props.retentionDays ?? 365;
    assertResourceName('ConfigRecorder name', props.name);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`ConfigRecorder accountId "${props.accountId}" must be a 12-digit AWS account ID`);

    const bucketArn = `arn:aws:s3:::${bucketName}`;
    const config = [{ type: 'Service', identifiers: ['config.amazonaws.com'] }];
    const fromThisAccount = { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] };
    this.bucket = new AuditBucket(this, 'bucket', {
      preventDestroy: props.preventDestroy,
      bucketName,
      expirationDays: retentionDays,
      deliveryStatements: [
        { sid: 'ConfigBucketChecks', actions: ['s3:GetBucketAcl', 's3:ListBucket'], resources: [bucketArn], principals: config, condition: [fromThisAccount] },
        {
          sid: 'ConfigDelivery',
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/AWSLogs/${props.accountId}/Config/*`],
          principals: config,
          condition: [fromThisAccount, { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }],
        },
      ],
    });

    const roleArn = `arn:aws:iam::${props.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
    const serviceLinkedRole = createServiceLinkedRole ? new IamServiceLinkedRole(this, 'service-linked-role', { awsServiceName: 'config.amazonaws.com' }) : undefined;
    const recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: props.name,
      roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes },
      dependsOn: serviceLinkedRole ? [serviceLinkedRole] : undefined,
    });
    const channel = new ConfigDeliveryChannel(this, 'delivery-channel', {
      name: props.name,
      s3BucketName: this.bucket.bucketName,
      dependsOn: [recorder, this.bucket.policy],
    });
    new ConfigConfigurationRecorderStatus(this, 'status', { name: recorder.name, isEnabled: true, dependsOn: [channel] });
    this.recorderName = recorder.name;
  }
}
