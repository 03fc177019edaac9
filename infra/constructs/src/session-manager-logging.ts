import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document/index.js';
import { Construct } from 'constructs';
import { assertResourceName } from './naming.js';
import { policyDocument } from './policy-document.js';

/** The Session Manager preferences document of an account and region (the console edits the same one). */
export const SESSION_PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

export interface SessionManagerLoggingProps {
  /** Prefix of the log group and key names, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** AWS account of the key. */
  readonly accountId: string;
  /** Region of the log group. */
  readonly region: string;
  /**
   * Roles of the instances people open sessions on (the bastion's): they get write access to the
   * log group and use of the key, which the SSM agent needs to stream the session.
   * @default []
   */
  readonly instanceRoleNames?: string[];
  /**
   * Days session transcripts are kept.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Minutes of inactivity before a session ends.
   * @default 20
   */
  readonly idleSessionTimeoutMinutes?: number;
}

/**
 * Session Manager preferences (`SSM-SessionManagerRunShell`) that stream every session's
 * transcript to a CloudWatch log group encrypted with a customer-managed KMS key (rotated
 * yearly), which also encrypts the session itself. Sessions end after 20 idle minutes.
 *
 * The document exists once per account and region; if someone saved preferences in the console
 * before, import it first: `terraform import <address> SSM-SessionManagerRunShell`.
 *
 * @example
 * new SessionManagerLogging(this, 'session-logging', { name: 'pingdummy-prod', accountId, region, instanceRoleNames: [bastion.roleName] });
 */
export class SessionManagerLogging extends Construct {
  /** Name of the log group holding session transcripts. */
  public readonly logGroupName: string;
  /** ARN of the KMS key of the log group and the sessions (people starting sessions need kms:GenerateDataKey on it). */
  public readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: SessionManagerLoggingProps) {
    super(scope, id);
    const instanceRoleNames = props.instanceRoleNames ?? [];
    const retentionDays = props.retentionDays ?? 365;
    const idleSessionTimeoutMinutes = props.idleSessionTimeoutMinutes ?? 20;
    assertResourceName('SessionManagerLogging name', props.name);
    if (!/^\d{12}$/.test(props.accountId)) throw new Error(`SessionManagerLogging accountId "${props.accountId}" must be a 12-digit AWS account ID`);
    if (idleSessionTimeoutMinutes < 1 || idleSessionTimeoutMinutes > 60) throw new Error(`SessionManagerLogging idleSessionTimeoutMinutes (${idleSessionTimeoutMinutes}) must be between 1 and 60`);

    const logGroupName = `/aws/ssm/${props.name}/sessions`;
    const logGroupArn = `arn:aws:logs:${props.region}:${props.accountId}:log-group:${logGroupName}`;
    const key = new KmsKey(this, 'key', {
      description: `Session Manager sessions and transcripts of ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(this, 'key-policy', [
        // Without this the account's IAM policies could not grant the key at all.
        { sid: 'AccountIamPolicies', actions: ['kms:*'], resources: ['*'], principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.accountId}:root`] }] },
        {
          sid: 'CloudWatchLogsOfSessions',
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          principals: [{ type: 'Service', identifiers: [`logs.${props.region}.amazonaws.com`] }],
          condition: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [logGroupArn] }],
        },
      ]).json,
    });
    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: logGroupName, retentionInDays: retentionDays, kmsKeyId: key.arn });

    new SsmDocument(this, 'preferences', {
      name: SESSION_PREFERENCES_DOCUMENT,
      documentType: 'Session',
      documentFormat: 'JSON',
      content: JSON.stringify({
        schemaVersion: '1.0',
        description: `Session Manager preferences of ${props.name}: transcripts to CloudWatch Logs, encrypted`,
        sessionType: 'Standard_Stream',
        inputs: {
          s3BucketName: '',
          s3KeyPrefix: '',
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: logGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          kmsKeyId: key.keyId,
          runAsEnabled: false,
          runAsDefaultUser: '',
          idleSessionTimeout: String(idleSessionTimeoutMinutes),
          shellProfile: { linux: '', windows: '' },
        },
      }),
      dependsOn: [logGroup],
    });

    instanceRoleNames.forEach((role, i) => {
      new IamRolePolicy(this, `instance-${i}`, {
        role,
        name: 'session-manager-logging',
        policy: policyDocument(this, `instance-${i}-document`, [
          { sid: 'StreamSessions', actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [logGroupArn, `${logGroupArn}:*`] },
          // The agent checks the group is encrypted before streaming; DescribeLogGroups has no resource-level permissions.
          { sid: 'CheckLogGroupEncryption', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
          { sid: 'UseSessionKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
        ]).json,
      });
    });
    this.logGroupName = logGroup.name;
    this.kmsKeyArn = key.arn;
  }
}
