import { createLogger } from '@pingdummy/shared';
import { createHeartbeatCheck } from '../../src/data/heartbeats.js';
import { insertAccount } from '../data/fixtures.js';
import { startTestFrontend, type TestFrontend } from './harness.js';

/** A ping key is a secret: the frontend's request log names the ping route, never the key. */

const lines: string[] = [];
let frontend: TestFrontend;
beforeAll(async () => {
  frontend = await startTestFrontend({}, { logger: createLogger('frontend', 'info', { write: (line: string) => void lines.push(line) }) });
});
afterAll(async () => {
  await frontend.stop();
});

test('the request log of a ping hides its key', async () => {
  const account = await insertAccount(frontend.db.pool);
  const check = await createHeartbeatCheck(frontend.db.pool, account.accountId, { name: 'job' }, { checkLimit: 5 });
  expect((await fetch(`${frontend.url}${check.pingPath}/start`)).status).toBe(200);
  expect((await fetch(`${frontend.url}/ping/${check.id}`)).status).toBe(404);
  const requests = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request');
  expect(requests.map((line) => `${line.status} ${line.path}`)).toEqual(['200 /ping/<key>/start', '404 /ping/<key>']);
  expect(lines.join('\n')).not.toContain(check.pingKey);
});
