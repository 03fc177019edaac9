// docker:push against a real OCI registry (Debian's docker-registry, the CNCF distribution
// registry) on a loopback port: the image lands under pingdummy/<service>:<tag>, as the deploy's
// task definitions name it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/free-port.mjs';
import { containerEngineProblem, podmanEnvironment } from './podman.mjs';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const registryMissing = spawnSync('sh', ['-c', 'command -v docker-registry']).status !== 0;
const problem = containerEngineProblem() ?? (registryMissing ? 'docker-registry not found (Debian: apt-get install docker-registry)' : undefined);
// In CI a missing tool is a failure naming it, never a silent skip.
const describeWithRegistry = problem && !process.env.CI ? describe.skip : describe;
if (problem) console.log(`image push test skipped: ${problem}`);

describeWithRegistry('docker:push to an OCI registry', () => {
  const env = podmanEnvironment();
  const tag = `push-test-${process.pid}`;
  let dir;
  let registry;
  let address;

  beforeAll(async () => {
    if (problem) throw new Error(problem);
    dir = mkdtempSync(path.join(os.tmpdir(), 'registry-'));
    address = `127.0.0.1:${await freePort()}`;
    writeFileSync(
      path.join(dir, 'config.yml'),
      `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${address}\nlog:\n  level: warn\n`,
    );
    registry = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await exec('bash', ['docker/build-images.sh', 'beacon'], { cwd: root, env: { ...env, IMAGE_TAG: tag, CONTAINER_ENGINE: 'podman' }, maxBuffer: 64 * 1024 * 1024 });
  }, 20 * 60_000);

  afterAll(async () => {
    registry?.kill();
    await exec('podman', ['rmi', '-f', `pingdummy/beacon:${tag}`, `${address}/pingdummy/beacon:${tag}`], { env }).catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pushes pingdummy/beacon:<tag> and the registry serves its manifest', async () => {
    await exec(process.execPath, ['docker/push-image.mjs', 'beacon'], { cwd: root, env: { ...env, IMAGE_TAG: tag, REGISTRY: address, CONTAINER_ENGINE: 'podman' } });
    const tags = await (await fetch(`http://${address}/v2/pingdummy/beacon/tags/list`)).json();
    expect(tags).toEqual({ name: 'pingdummy/beacon', tags: [tag] });
    const manifest = await fetch(`http://${address}/v2/pingdummy/beacon/manifests/${tag}`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(200);
    expect((await manifest.json()).layers.length).toBeGreaterThan(1);
  }, 5 * 60_000);
});
