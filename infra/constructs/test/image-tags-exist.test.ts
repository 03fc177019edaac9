import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { assertImageTagsExist } from '../src/image-tags-exist.js';

// A real ECR API (moto's server) on loopback: the check talks to it exactly as to AWS.
let moto: ChildProcess;
let client: ECRClient;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${url}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

beforeAll(async () => {
  const port = await freePort();
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  moto.once('error', (error) => {
    throw new Error(`moto_server could not start (pip install 'moto[server]'): ${error.message}`);
  });
  await waitForHttp(`http://127.0.0.1:${port}/moto-api/`, 30_000);
  client = new ECRClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  for (const repositoryName of ['acme/frontend', 'acme/beacon']) {
    await client.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' }));
  }
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { digest: 'sha256:0', size: 0, mediaType: 'application/vnd.docker.container.image.v1+json' }, layers: [] });
  await client.send(new PutImageCommand({ repositoryName: 'acme/frontend', imageTag: '3f2a91c0ab12', imageManifest: manifest }));
  await client.send(new PutImageCommand({ repositoryName: 'acme/beacon', imageTag: '3f2a91c0ab12', imageManifest: manifest.replace('sha256:0', 'sha256:1') }));
}, 60_000);

afterAll(() => {
  client?.destroy();
  moto?.kill();
});

test('passes when every repository holds the tag', async () => {
  await expect(assertImageTagsExist({ client, repositories: ['acme/frontend', 'acme/beacon'], tag: '3f2a91c0ab12' })).resolves.toBeUndefined();
});

test('refuses a tag one repository lacks, and a repository that does not exist, naming each', async () => {
  await client.send(new CreateRepositoryCommand({ repositoryName: 'acme/worker' }));
  await expect(assertImageTagsExist({ client, repositories: ['acme/frontend', 'acme/worker', 'acme/missing'], tag: '3f2a91c0ab12' }))
    .rejects.toThrow('image tag 3f2a91c0ab12 is missing from ECR: acme/worker:3f2a91c0ab12 (no such tag), acme/missing (no such repository)');
});
