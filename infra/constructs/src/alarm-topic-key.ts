import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { Construct } from 'constructs';
import { policyDocument } from './policy-document.js';

export interface AlarmTopicKeyProps {
  /** Prefix of the alias, e.g. `pingdummy-prod` gives `alias/pingdummy-prod-alarms`. */
  readonly name: string;
  /** 12-digit account owning the key (its root administers it through IAM). */
  readonly accountId: string;
}

/**
 * The customer-managed KMS key of the alarm topics. Topics under the AWS-managed `alias/aws/sns`
 * key never receive CloudWatch alarms: that key's policy cannot be changed to let
 * `cloudwatch.amazonaws.com` use it. This key's policy does (for this key only), and the key
 * rotates yearly.
 *
 * @example
 * const key = new AlarmTopicKey(this, 'alarm-key', { name: 'pingdummy-prod', accountId: '333344445555' });
 * new SnsTopic(this, 'critical', { name: 'pingdummy-prod-critical', kmsMasterKeyId: key.keyArn });
 */
export class AlarmTopicKey extends Construct {
  /** ARN of the key. */
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicKeyProps) {
    super(scope, id);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`AlarmTopicKey accountId "${props.accountId}" must be a 12-digit AWS account ID`);
    const policy = policyDocument(this, 'policy', [
      {
        sid: 'AccountAdministersThroughIam',
        actions: ['kms:*'],
        resources: ['*'],
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
      },
      {
        sid: 'CloudWatchAlarmsPublish',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        // As AWS documents for alarms on encrypted topics, without conditions: a condition key
        // CloudWatch's KMS call does not carry would silently drop every alarm again.
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      },
    ]);
    const key = new KmsKey(this, 'key', {
      description: `Encrypts the alarm topics of ${props.name} (CloudWatch may publish)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.name}-alarms`, targetKeyId: key.keyId });
    this.keyArn = key.arn;
  }
}
