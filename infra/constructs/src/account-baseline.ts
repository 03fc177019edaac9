import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector/index.js';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block/index.js';
import { Construct } from 'constructs';
import { CloudTrail } from './cloud-trail.js';
import { ConfigRecorder } from './config-recorder.js';
import { assertResourceName } from './naming.js';
import { SessionManagerLogging } from './session-manager-logging.js';

/** Which parts of the account baseline to create. */
export interface AccountBaselineFeatures {
  /**
   * A multi-region CloudTrail trail with log file validation, to its own bucket.
   * @default true
   */
  readonly cloudTrail?: boolean;
  /**
   * A GuardDuty detector (threat detection on CloudTrail, VPC flow and DNS logs; billed by volume).
   * @default true
   */
  readonly guardDuty?: boolean;
  /**
   * The account-level S3 public access block (no bucket of the account can be made public).
   * @default true
   */
  readonly s3PublicAccessBlock?: boolean;
  /**
   * Session Manager transcripts to an encrypted CloudWatch log group.
   * @default true
   */
  readonly sessionManagerLogging?: boolean;
  /**
   * AWS Config recording every resource (billed per configuration item recorded).
   * @default false
   */
  readonly config?: boolean;
}

export interface AccountBaselineProps extends AccountBaselineFeatures {
  /** Prefix of every name, e.g. `pingdummy-prod`. */
  readonly name: string;
  /** AWS account of the environment. */
  readonly accountId: string;
  /** Region (home region of the trail). */
  readonly region: string;
  /**
   * Roles of the instances people open sessions on (the bastion's).
   * @default []
   */
  readonly sessionInstanceRoleNames?: string[];
  /**
   * Days trail logs, session transcripts and Config history are kept.
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Refuse `terraform destroy` of the audit buckets (production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * The security baseline of an environment account: CloudTrail, GuardDuty, the account-wide S3
 * public access block, Session Manager logging and, optionally, AWS Config. Each is one
 * switch. They exist once per account (and region): in an account shared by several
 * environments, turn them on in one only.
 *
 * @example
 * new AccountBaseline(this, 'baseline', { name: 'pingdummy-prod', accountId, region, sessionInstanceRoleNames: [bastion.roleName] });
 */
export class AccountBaseline extends Construct {
  /** The trail, when on. */
  public readonly cloudTrail?: CloudTrail;
  /** ID of the GuardDuty detector, when on. */
  public readonly guardDutyDetectorId?: string;
  /** Session Manager logging, when on. */
  public readonly sessionManagerLogging?: SessionManagerLogging;
  /** The AWS Config recorder, when on. */
  public readonly configRecorder?: ConfigRecorder;

  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const cloudTrail = props.cloudTrail ?? true;
    const guardDuty = props.guardDuty ?? true;
    const s3PublicAccessBlock = props.s3PublicAccessBlock ?? true;
    const sessionManagerLogging = props.sessionManagerLogging ?? true;
    const config = props.config ?? false;
    const retentionDays = props.retentionDays ?? 365;
    assertResourceName('AccountBaseline name', props.name);

    const account = { name: props.name, accountId: props.accountId };
    if (cloudTrail) this.cloudTrail = new CloudTrail(this, 'cloud-trail', { ...account, region: props.region, retentionDays, preventDestroy: props.preventDestroy });
    if (guardDuty) {
      this.guardDutyDetectorId = new GuarddutyDetector(this, 'guard-duty', { enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' }).id;
    }
    if (s3PublicAccessBlock) {
      new S3AccountPublicAccessBlock(this, 's3-public-access-block', {
        accountId: props.accountId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
    if (sessionManagerLogging) {
      this.sessionManagerLogging = new SessionManagerLogging(this, 'session-manager-logging', {
        ...account,
        region: props.region,
        retentionDays,
        instanceRoleNames: props.sessionInstanceRoleNames,
      });
    }
    if (config) this.configRecorder = new ConfigRecorder(this, 'config', { ...account, retentionDays, preventDestroy: props.preventDestroy });
  }
}
