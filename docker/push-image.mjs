#!/usr/bin/env node
// Pushes pingdummy/<service>:<tag> (built by build-images.sh) to the registry the deploy reads from.
// - REGISTRY set (e.g. 127.0.0.1:5000, the rehearsal's local registry): pushed there as
//   <REGISTRY>/pingdummy/<service>:<tag>; plain HTTP is allowed for loopback registries only.
// - otherwise Amazon ECR of the current AWS account and region: the login token comes from the AWS
//   SDK (GetAuthorizationToken), so no AWS CLI is needed; repositories have immutable tags, so a
//   tag that exists already is an error, as it should be.
// Tag: IMAGE_TAG, else the git commit (12 characters), as build-images.sh and the infra programs use.
// Engine: CONTAINER_ENGINE (docker or podman), default docker when it answers, else podman.
// Usage: push-image.mjs <service>
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const service = process.argv[2];
if (!['beacon', 'worker', 'frontend'].includes(service)) {
  console.error('usage: push-image.mjs beacon|worker|frontend');
  process.exit(2);
}
const tag = process.env.IMAGE_TAG || execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();

function containerEngine() {
  if (process.env.CONTAINER_ENGINE) return process.env.CONTAINER_ENGINE;
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 ? 'docker' : 'podman';
}
const engine = containerEngine();
const env =
  engine === 'podman'
    ? { ...process.env, CONTAINERS_CONF: execFileSync('bash', ['-c', 'source docker/podman-env.sh && printf %s "$CONTAINERS_CONF"'], { cwd: root, encoding: 'utf8' }) }
    : process.env;
const run = (args, input) => execFileSync(engine, args, { env, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'] });

/** Logs the engine in to ECR and returns the registry host. */
async function ecrLogin() {
  const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
  const { authorizationData } = await new ECRClient({}).send(new GetAuthorizationTokenCommand({}));
  const data = authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR returned no authorization token');
  const [username, password] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
  const registry = new URL(data.proxyEndpoint).host;
  run(['login', '--username', username, '--password-stdin', registry], password);
  return registry;
}

const registry = process.env.REGISTRY || (await ecrLogin());
const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(registry);
const target = `${registry}/pingdummy/${service}:${tag}`;
run(['tag', `pingdummy/${service}:${tag}`, target]);
run(['push', ...(engine === 'podman' && loopback ? ['--tls-verify=false'] : []), target]);
console.log(`[images] pushed ${target}`);
