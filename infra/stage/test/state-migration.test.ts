import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { App } from 'cdktf';
import { definePingdummyEnvironment, defaultStateBucket, type StateBackendKind } from '@stack/constructs';
import { requireProviderMirror, run, writeCliConfig } from '@stack/constructs/harness';
import { config } from '../config.js';

/**
 * The README's state migration of the bootstrap stack, for real: Terraform with the local backend
 * the first synth writes, then `bootstrapStateBackend: 's3'`, a new synth into the same folder,
 * and `terraform init -migrate-state`, against moto's S3 API on loopback standing in for the bucket.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'state-migration-'));
const outdir = path.join(work, 'cdktf.out');
const stackDir = path.join(outdir, 'stacks', `${config.name}-${config.environment}-bootstrap`);
const bucket = defaultStateBucket(config.name, config.environment, config.accountId);
let moto: ChildProcess;
let endpoint: string;

function synth(bootstrapStateBackend: StateBackendKind): void {
  const app = new App({ outdir, stackTraces: false });
  definePingdummyEnvironment(app, { ...config, bootstrapStateBackend, imageTag: '3f2a91c0ab12' });
  app.synth();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto_server (pip install 'moto[server]') did not answer on ${endpoint}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // The bucket the first bootstrap apply creates.
  await fetch(`${endpoint}/${bucket}`, { method: 'PUT', body: `<CreateBucketConfiguration><LocationConstraint>${config.region}</LocationConstraint></CreateBucketConfiguration>` });
}, 60_000);

afterAll(() => {
  moto?.kill();
  rmSync(work, { recursive: true, force: true });
});

test("bootstrapStateBackend 's3' and terraform init -migrate-state move the bootstrap state into the bucket", async () => {
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: writeCliConfig(path.join(work, 'tfcli'), requireProviderMirror()),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    TF_IN_AUTOMATION: '1',
  };
  synth('local');
  await run('terraform', ['init', '-input=false'], { cwd: stackDir, env });
  // What the first apply leaves in infra/<env>/.state/ (an apply needs AWS; its state is what matters here).
  const localState = path.join(work, '.state', `${config.name}-${config.environment}-bootstrap.tfstate`);
  mkdirSync(path.dirname(localState), { recursive: true });
  writeFileSync(localState, JSON.stringify({ version: 4, terraform_version: '1.10.0', serial: 3, lineage: 'first-apply', outputs: { marker: { value: 'applied-locally', type: 'string' } }, resources: [] }));

  synth('s3');
  // Only the endpoint differs from AWS: the bucket, key, region and locking come from the synthesized backend.
  const moto = [`endpoints={s3="${endpoint}"}`, 'use_path_style=true', 'skip_credentials_validation=true', 'skip_requesting_account_id=true', 'skip_metadata_api_check=true', 'skip_region_validation=true'];
  await run('terraform', ['init', '-migrate-state', '-force-copy', '-input=false', ...moto.map((c) => `-backend-config=${c}`)], { cwd: stackDir, env });

  // The local file gone, Terraform reads the state from the bucket.
  rmSync(localState);
  const outputs = JSON.parse((await run('terraform', ['output', '-json'], { cwd: stackDir, env })).stdout) as Record<string, { value: unknown }>;
  expect(outputs.marker?.value).toBe('applied-locally');
});
