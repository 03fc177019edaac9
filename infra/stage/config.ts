import type { PingdummyEnvironment } from '@stack/constructs';

/**
 * Stage: the same shape as prod, smaller, cheaper (one NAT gateway), unprotected. Of the account
 * baseline it keeps what costs cents (CloudTrail, S3 public access block, session logging) and
 * the WAF (where a managed rule blocking a real request should show up first); GuardDuty stays
 * off to save its volume-based charge (infra/README.md, "Account baseline").
 */
export const config: PingdummyEnvironment = {
  name: 'pingdummy',
  environment: 'stage',
  accountId: '222233334444',
  opsAccountId: '111122223333',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  cidr: '10.20.0.0/16',
  domainName: 'stage.pingdummy.example.com',
  githubRepository: 'example/pingdummy',
  // 'local' until the first bootstrap apply has created the state bucket; then 's3' (README, "First deploy").
  bootstrapStateBackend: 'local',
  singleNatGateway: true,
  protect: false,
  accountBaseline: { cloudTrail: true, s3PublicAccessBlock: true, sessionManagerLogging: true, guardDuty: false, config: false },
  webAcl: true,
  instanceType: 't3.medium',
  minInstances: 1,
  maxInstances: 3,
  frontend: { desiredCount: 1, cpu: 256, memory: 512 },
  beacon: { desiredCount: 1, cpu: 256, memory: 512 },
  worker: { desiredCount: 1, cpu: 256, memory: 512 },
  database: { instanceClass: 'db.t4g.micro', allocatedStorage: 20, multiAz: false, backupRetentionDays: 7 },
};
