import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import {
  CheckInput,
  CheckLimitError,
  createCheck,
  deleteCheck,
  FieldValidationError,
  getCheck,
  listChecks,
  setCheckPaused,
  updateCheck,
} from '../../src/data/checks.js';
import { createChannel } from '../../src/data/channels.js';
import { insertAccount, type TestAccount } from './fixtures.js';

let db: TestDatabase;
let alice: TestAccount;
let bob: TestAccount;
const limit = { checkLimit: 50 };

beforeAll(async () => {
  db = await createTestDatabase();
  alice = await insertAccount(db.pool);
  bob = await insertAccount(db.pool);
  // Regions a worker has registered (its beacons); only these can be chosen.
  await db.pool.query(`INSERT INTO probe_regions (name) VALUES ('eu-west-1'), ('us-east-1')`);
});
afterAll(async () => {
  await db.drop();
});

async function validationErrorOf(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FieldValidationError) return error.fields;
    throw error;
  }
  throw new Error('expected a FieldValidationError');
}

test('createCheck fills in the database defaults and returns the stored check', async () => {
  const check = await createCheck(db.pool, alice.accountId, { name: ' Home ', url: 'https://example.com/' }, limit);
  expect(check).toMatchObject({
    accountId: alice.accountId,
    name: 'Home',
    url: 'https://example.com/',
    method: 'GET',
    headers: {},
    body: null,
    intervalSeconds: 60,
    timeoutMs: 10_000,
    expectedStatusCodes: '200-399',
    keyword: null,
    keywordMode: null,
    degradedThresholdMs: null,
    failuresBeforeDown: 2,
    recoveriesBeforeUp: 1,
    regions: [],
    paused: false,
    isPublic: false,
    showUrlPublicly: false,
    channelIds: [],
    state: 'pending',
    lastProbedAt: null,
  });
  expect(await getCheck(db.pool, alice.accountId, check.id)).toEqual(check);
  expect((await listChecks(db.pool, alice.accountId)).map((c) => c.id)).toContain(check.id);
});

test('createCheck stores every field it is given, channels included', async () => {
  const channel = await createChannel(db.pool, alice.accountId, { name: 'ops', kind: 'webhook', target: 'https://hooks.example.com/x' });
  const input = {
    name: 'API',
    url: 'http://api.example.com/status',
    method: 'POST',
    headers: { 'X-Probe': 'yes' },
    body: '{"ping":true}',
    intervalSeconds: 30,
    timeoutMs: 5000,
    expectedStatusCodes: '200-299,301',
    keyword: 'ok',
    keywordMode: 'present',
    degradedThresholdMs: 800,
    failuresBeforeDown: 3,
    recoveriesBeforeUp: 2,
    regions: ['eu-west-1'],
    paused: true,
    isPublic: true,
    showUrlPublicly: true,
    channelIds: [channel.id],
  } as const;
  const check = await createCheck(db.pool, alice.accountId, { ...input, regions: [...input.regions], channelIds: [...input.channelIds] }, limit);
  expect(check).toMatchObject(input);
});

test('invalid input is refused with one message per field', async () => {
  const fields = await validationErrorOf(
    createCheck(
      db.pool,
      alice.accountId,
      {
        name: '',
        url: 'ftp://example.com',
        intervalSeconds: 5,
        expectedStatusCodes: '200-99x',
        failuresBeforeDown: 0,
        method: 'BREW' as 'GET',
        channelIds: ['nope'],
      },
      limit,
    ),
  );
  expect(Object.keys(fields).sort()).toEqual(
    ['channelIds.0', 'expectedStatusCodes', 'failuresBeforeDown', 'intervalSeconds', 'method', 'name', 'url'].sort(),
  );
  expect(fields.url).toMatch(/http/);
  expect(fields.intervalSeconds).toMatch(/10/);
});

test('unknown fields and wrong types are refused', async () => {
  const unknown = await validationErrorOf(
    createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', sneaky: 1 } as CheckInput, limit),
  );
  expect(unknown).toEqual({ sneaky: 'is not a known field' });
  const wrongType = await validationErrorOf(
    createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', intervalSeconds: '60' } as unknown as CheckInput, limit),
  );
  expect(Object.keys(wrongType)).toEqual(['intervalSeconds']);
});

test('cross-field rules: timeout within interval, keyword and mode together', async () => {
  expect(
    await validationErrorOf(
      createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', intervalSeconds: 10, timeoutMs: 20_000 }, limit),
    ),
  ).toEqual({ timeoutMs: expect.stringMatching(/10000/) });
  expect(
    await validationErrorOf(createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', keyword: 'ok' }, limit)),
  ).toEqual({ keywordMode: expect.any(String) });
  expect(
    await validationErrorOf(createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', keywordMode: 'absent' }, limit)),
  ).toEqual({ keyword: expect.any(String) });
});

test('a channel of another account cannot be attached', async () => {
  const bobsChannel = await createChannel(db.pool, bob.accountId, { name: 'b', kind: 'email', target: 'bob@example.com' });
  const fields = await validationErrorOf(
    createCheck(db.pool, alice.accountId, { name: 'x', url: 'https://e.com', channelIds: [bobsChannel.id] }, limit),
  );
  expect(fields.channelIds).toMatch(bobsChannel.id);
});

test('the check limit is enforced, also under concurrent creates, and accounts.check_limit overrides it', async () => {
  const small = await insertAccount(db.pool);
  const attempts = await Promise.allSettled(
    Array.from({ length: 6 }, (_, index) =>
      createCheck(db.pool, small.accountId, { name: `c${index}`, url: 'https://e.com' }, { checkLimit: 3 }),
    ),
  );
  expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(3);
  const rejected = attempts.filter((attempt) => attempt.status === 'rejected');
  expect(rejected).toHaveLength(3);
  for (const attempt of rejected) expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(CheckLimitError);
  expect(await listChecks(db.pool, small.accountId)).toHaveLength(3);

  const custom = await insertAccount(db.pool, { checkLimit: 1 });
  await createCheck(db.pool, custom.accountId, { name: 'one', url: 'https://e.com' }, { checkLimit: 50 });
  await expect(createCheck(db.pool, custom.accountId, { name: 'two', url: 'https://e.com' }, { checkLimit: 50 })).rejects.toThrow(
    /at most 1 checks/,
  );
});

test('updateCheck applies a patch, validates it against the stored row and reschedules on url/interval changes', async () => {
  const check = await createCheck(db.pool, alice.accountId, { name: 'patch me', url: 'https://e.com', intervalSeconds: 600 }, limit);
  await db.pool.query(`UPDATE checks SET next_due_at = now() + interval '1 hour' WHERE id = $1`, [check.id]);
  const dueAt = async () =>
    (await db.pool.query(`SELECT next_due_at > now() + interval '1 minute' AS later FROM checks WHERE id = $1`, [check.id])).rows[0]
      .later as boolean;

  const renamed = await updateCheck(db.pool, alice.accountId, check.id, { name: 'renamed' });
  expect(renamed).toMatchObject({ name: 'renamed', intervalSeconds: 600, url: 'https://e.com' });
  expect(await dueAt()).toBe(true); // a rename does not touch scheduling

  const faster = await updateCheck(db.pool, alice.accountId, check.id, { intervalSeconds: 30, timeoutMs: 5000 });
  expect(faster).toMatchObject({ intervalSeconds: 30, timeoutMs: 5000, name: 'renamed' });
  expect(await dueAt()).toBe(false); // due now

  await db.pool.query(`UPDATE checks SET next_due_at = now() + interval '1 hour' WHERE id = $1`, [check.id]);
  await updateCheck(db.pool, alice.accountId, check.id, { url: 'https://other.example.com' });
  expect(await dueAt()).toBe(false);

  // 10 s interval with the stored 5000 ms timeout is fine; with 20 s timeout it is not.
  expect(await validationErrorOf(updateCheck(db.pool, alice.accountId, check.id, { timeoutMs: 40_000 }))).toEqual({
    timeoutMs: expect.any(String),
  });
  expect(await validationErrorOf(updateCheck(db.pool, alice.accountId, check.id, { keyword: 'up' }))).toEqual({
    keywordMode: expect.any(String),
  });
  expect(await validationErrorOf(updateCheck(db.pool, alice.accountId, check.id, { extra: true } as never))).toEqual({
    extra: 'is not a known field',
  });
  const withKeyword = await updateCheck(db.pool, alice.accountId, check.id, { keyword: 'up', keywordMode: 'present' });
  expect(withKeyword).toMatchObject({ keyword: 'up', keywordMode: 'present' });
});

test('pause and resume; resuming makes the check due at once', async () => {
  const check = await createCheck(db.pool, alice.accountId, { name: 'pausable', url: 'https://e.com' }, limit);
  expect(await setCheckPaused(db.pool, alice.accountId, check.id, true)).toMatchObject({ paused: true });
  await db.pool.query(`UPDATE checks SET next_due_at = now() + interval '1 hour' WHERE id = $1`, [check.id]);
  expect(await setCheckPaused(db.pool, alice.accountId, check.id, false)).toMatchObject({ paused: false });
  const { rows } = await db.pool.query(`SELECT next_due_at <= now() AS due FROM checks WHERE id = $1`, [check.id]);
  expect(rows[0].due).toBe(true);
});

test("another account (or a malformed id) gets null/false for a check, never an error or the row", async () => {
  const check = await createCheck(db.pool, alice.accountId, { name: 'private', url: 'https://e.com' }, limit);
  expect(await getCheck(db.pool, bob.accountId, check.id)).toBeNull();
  expect(await updateCheck(db.pool, bob.accountId, check.id, { name: 'stolen' })).toBeNull();
  expect(await setCheckPaused(db.pool, bob.accountId, check.id, true)).toBeNull();
  expect(await deleteCheck(db.pool, bob.accountId, check.id)).toBe(false);
  expect((await listChecks(db.pool, bob.accountId)).map((c) => c.id)).not.toContain(check.id);
  expect(await getCheck(db.pool, alice.accountId, 'not-a-uuid')).toBeNull();
  expect(await getCheck(db.pool, 'not-a-uuid', check.id)).toBeNull();
  expect(await deleteCheck(db.pool, alice.accountId, "1' OR '1'='1")).toBe(false);
  expect(await getCheck(db.pool, alice.accountId, check.id)).toMatchObject({ name: 'private', paused: false });

  expect(await deleteCheck(db.pool, alice.accountId, check.id)).toBe(true);
  expect(await getCheck(db.pool, alice.accountId, check.id)).toBeNull();
  expect(await deleteCheck(db.pool, alice.accountId, check.id)).toBe(false);
});

test('regions must have a beacon; a region already on the check stays allowed after its beacon is gone', async () => {
  const refused = await validationErrorOf(
    createCheck(db.pool, alice.accountId, { name: 'mars', url: 'https://e.com', regions: ['eu-west-1', 'mars-1'] }, limit),
  );
  expect(refused).toEqual({ regions: 'must name regions with a beacon; mars-1 has none (available: eu-west-1, us-east-1)' });

  const check = await createCheck(db.pool, alice.accountId, { name: 'eu', url: 'https://e.com', regions: ['eu-west-1'] }, limit);
  expect(Object.keys(await validationErrorOf(updateCheck(db.pool, alice.accountId, check.id, { regions: ['mars-1'] })))).toEqual(['regions']);
  await db.pool.query(`DELETE FROM probe_regions WHERE name = 'eu-west-1'`);
  try {
    const renamed = await updateCheck(db.pool, alice.accountId, check.id, { name: 'eu (beacon gone)', regions: ['eu-west-1'] });
    expect(renamed).toMatchObject({ name: 'eu (beacon gone)', regions: ['eu-west-1'] });
    await expect(createCheck(db.pool, alice.accountId, { name: 'eu again', url: 'https://e.com', regions: ['eu-west-1'] }, limit)).rejects.toThrow(
      /eu-west-1 has none/,
    );
  } finally {
    await db.pool.query(`INSERT INTO probe_regions (name) VALUES ('eu-west-1')`);
    await deleteCheck(db.pool, alice.accountId, check.id);
  }
});
