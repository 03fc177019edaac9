import type { PingdummyEnvironment } from '../environment-program.js';
import { pingdummyRepositories } from '../pingdummy-stack.js';
import { deployEnvironment, rehearsalFromEnvironment, type DeployReport } from './deploy-environment.js';

/**
 * The `deploy` task of a Pingdummy environment program (`infra/<env>/deploy.ts`): deployEnvironment
 * of its base, data and app stacks and the three image repositories, rehearsed on a local registry
 * and moto when DEPLOY_REHEARSAL=1 (rehearsalFromEnvironment).
 */
export function deployPingdummyEnvironment(envDir: string, config: PingdummyEnvironment): Promise<DeployReport> {
  return deployEnvironment({
    envDir,
    stacks: ['base', 'data', 'app'].map((part) => `${config.name}-${config.environment}-${part}`),
    region: config.region,
    repositories: pingdummyRepositories(config.name),
    rehearsal: rehearsalFromEnvironment(process.env),
  });
}
