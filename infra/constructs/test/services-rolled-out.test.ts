import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { assertServicesRolledOut } from '../src/deploy/services-rolled-out.js';
import { findOnPath, MOTO_SERVER_MISSING, REHEARSAL_CREDENTIALS, startMotoServer, type MotoServer } from '../src/harness/moto-server.js';

// The deploy's rollout gate against a real ECS API (moto_server on loopback), as it talks to AWS.
const ACCOUNT = '222233334444';
const describeWithMoto = findOnPath('moto_server') || process.env.CI ? describe : describe.skip;
if (!findOnPath('moto_server')) console.log(`rollout gate tests skipped: ${MOTO_SERVER_MISSING}`);

/** A cluster with a service `web` whose task definition runs `image`; moto reports `running` tasks. */
async function clusterWithService(image: string, running: number): Promise<{ moto: MotoServer; client: ECSClient }> {
  const moto = await startMotoServer({ accountId: ACCOUNT, region: 'eu-west-1', ecsTasksRunning: running });
  const client = new ECSClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials: REHEARSAL_CREDENTIALS, maxAttempts: 1 });
  await client.send(new CreateClusterCommand({ clusterName: 'acme' }));
  const definition = await client.send(new RegisterTaskDefinitionCommand({ family: 'acme-web', containerDefinitions: [{ name: 'web', image, memory: 256 }] }));
  await client.send(new CreateServiceCommand({ cluster: 'acme', serviceName: 'web', taskDefinition: definition.taskDefinition!.taskDefinitionArn, desiredCount: 2 }));
  return { moto, client };
}

describeWithMoto('assertServicesRolledOut (the deploy waits for the new tag, a rollback fails it)', () => {
  const servers: MotoServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('passes once every service runs the tag with all its tasks', async () => {
    const { moto, client } = await clusterWithService('123.dkr.ecr.eu-west-1.amazonaws.com/acme/web:3f2a91c0ab12', 2);
    servers.push(moto);
    await expect(assertServicesRolledOut({ client, cluster: 'acme', services: ['web'], tag: '3f2a91c0ab12', timeoutMs: 1_000 }))
      .resolves.toEqual(['service web rolled out on tag 3f2a91c0ab12 (2 of 2 tasks running)']);
  }, 60_000);

  it('fails at once, naming the image, when the service settled on another tag (rolled back)', async () => {
    const { moto, client } = await clusterWithService('123.dkr.ecr.eu-west-1.amazonaws.com/acme/web:0ld0ld0ld0ld', 2);
    servers.push(moto);
    const started = Date.now();
    await expect(assertServicesRolledOut({ client, cluster: 'acme', services: ['web'], tag: '3f2a91c0ab12', timeoutMs: 60_000 }))
      .rejects.toThrow('web: runs 123.dkr.ecr.eu-west-1.amazonaws.com/acme/web:0ld0ld0ld0ld, not tag 3f2a91c0ab12: the deployment was rolled back');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 90_000);

  it('waits for a rollout in progress and fails when it does not complete in time', async () => {
    const { moto, client } = await clusterWithService('123.dkr.ecr.eu-west-1.amazonaws.com/acme/web:3f2a91c0ab12', 0);
    servers.push(moto);
    const waits: string[] = [];
    await expect(assertServicesRolledOut({ client, cluster: 'acme', services: ['web'], tag: '3f2a91c0ab12', timeoutMs: 1_500, pollMs: 500, log: (line) => waits.push(line) }))
      .rejects.toThrow('deploy of 3f2a91c0ab12 not stable on acme in time: web: rollout IN_PROGRESS, 0 of 2 tasks running');
    expect(waits.length).toBeGreaterThan(0);
  }, 60_000);

  it('fails when a service does not exist', async () => {
    const { moto, client } = await clusterWithService('acme/web:3f2a91c0ab12', 2);
    servers.push(moto);
    await expect(assertServicesRolledOut({ client, cluster: 'acme', services: ['web', 'api'], tag: '3f2a91c0ab12', timeoutMs: 1_000 }))
      .rejects.toThrow('api: service is missing');
  }, 60_000);
});
