import type { PingdummyEnvironment } from '@stack/constructs';

/** Prod: three zones, a NAT gateway per zone, bigger and more of everything, protected. */
export const config: PingdummyEnvironment = {
  name: 'pingdummy',
  environment: 'prod',
  accountId: '333344445555',
  opsAccountId: '111122223333',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  cidr: '10.30.0.0/16',
  domainName: 'pingdummy.example.com',
  githubRepository: 'example/pingdummy',
  // 'local' until the first bootstrap apply has created the state bucket; then 's3' (README, "First deploy").
  bootstrapStateBackend: 'local',
  singleNatGateway: false,
  protect: true,
  instanceType: 'm5.large',
  eniTrunking: true,
  minInstances: 3,
  maxInstances: 9,
  frontend: { desiredCount: 3, maxCount: 9, cpu: 512, memory: 1024 },
  beacon: { desiredCount: 3, maxCount: 6, cpu: 256, memory: 512 },
  worker: { desiredCount: 2, maxCount: 4, cpu: 512, memory: 1024 },
  database: { instanceClass: 'db.m7g.large', allocatedStorage: 100, multiAz: true, backupRetentionDays: 14 },
};

/** Environment accounts people step into from the ops account. */
export const environmentAccounts = [
  { environment: 'stage', accountId: '222233334444' },
  { environment: 'prod', accountId: '333344445555' },
];

/** Where the ops stack keeps its state: 'local' until its first apply, then 's3' (README, "First deploy"). */
export const opsStateBackend = 'local' as const;
