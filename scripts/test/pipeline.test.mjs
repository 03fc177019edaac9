// The one pipeline: `turbo run deploy --filter=<env>` builds, tests, builds and pushes the images
// and plans before it applies. Checked on the task graph turbo itself computes (--dry=json).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = ['beacon', 'worker', 'frontend'];

function dryRun(env) {
  const json = execFileSync(process.execPath, [path.join(root, 'node_modules/turbo/bin/turbo'), 'run', 'deploy', `--filter=${env}`, '--dry=json'], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(json).tasks;
}

/** Every task `taskId` waits for, directly or not. */
function upstream(graph, taskId, seen = new Set()) {
  for (const dependency of graph.get(taskId) ?? []) {
    if (!seen.has(dependency)) {
      seen.add(dependency);
      upstream(graph, dependency, seen);
    }
  }
  return seen;
}

describe.each(['stage', 'prod'])('turbo run deploy --filter=%s', (env) => {
  const tasks = dryRun(env);
  const graph = new Map(tasks.map((task) => [task.taskId, task.dependencies]));
  const beforeDeploy = upstream(graph, `${env}#deploy`);

  it('tests every service, the constructs and the environment (policy rules on its plan) first', () => {
    for (const service of SERVICES) expect(beforeDeploy).toContain(`@pingdummy/${service}#test`);
    expect(beforeDeploy).toContain('@stack/constructs#test');
    expect(beforeDeploy).toContain(`${env}#test`);
  });

  it('builds and pushes each image before it applies, and plans first', () => {
    for (const service of SERVICES) {
      expect(beforeDeploy).toContain(`@pingdummy/${service}#docker:push`);
      expect(graph.get(`@pingdummy/${service}#docker:push`)).toContain(`@pingdummy/${service}#docker:build`);
    }
    expect(graph.get(`${env}#deploy`)).toContain(`${env}#plan`);
    expect(upstream(graph, `${env}#plan`)).toContain('@stack/constructs#build');
  });

  it('runs nothing of the other environment', () => {
    const other = env === 'stage' ? 'prod' : 'stage';
    expect([...graph.keys()].filter((task) => task.startsWith(`${other}#`))).toEqual([]);
  });

  it('deploys through deploy.ts (rollout gate), which sees the rehearsal switch and the image tag', () => {
    const deploy = tasks.find((task) => task.taskId === `${env}#deploy`);
    expect(deploy.command).toBe('node --import tsx deploy.ts');
    expect(deploy.environmentVariables.specified.env).toEqual(expect.arrayContaining(['IMAGE_TAG', 'DEPLOY_REHEARSAL', 'REGISTRY']));
  });

  it('reuses test results a `npm test` of the same sources produced (cached by inputs), so the pipeline does not test twice', () => {
    for (const service of SERVICES) expect(tasks.find((task) => task.taskId === `@pingdummy/${service}#test`).resolvedTaskDefinition.cache).toBe(true);
  });
});
