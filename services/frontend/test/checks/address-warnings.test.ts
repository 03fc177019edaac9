import { createAddressAdvisor } from '../../src/checks/address-warnings.js';
import { resolveTestHost } from '../test-resolver.js';

const advise = createAddressAdvisor({ allowCidrs: [], resolve: resolveTestHost });

test('a literal address the beacon policy refuses gets a warning naming the range and BEACON_ALLOW_CIDRS', async () => {
  const [warning, ...rest] = await advise('http://127.0.0.1:8080/health');
  expect(rest).toEqual([]);
  expect(warning).toEqual({
    field: 'url',
    message: expect.stringMatching(/^127\.0\.0\.1 \(loopback\) is not allowed by this installation's address policy: its beacons will not probe it/),
  });
  expect(warning!.message).toContain('BEACON_ALLOW_CIDRS (e.g. 127.0.0.1/32)');
  expect((await advise('http://[::1]:3000/'))[0]!.message).toMatch(/^::1 \(loopback\) .* \(e\.g\. ::1\/128\)/);
  expect((await advise('http://10.0.0.5/'))[0]!.message).toMatch(/^10\.0\.0\.5 \(private\) is not allowed/);
});

test('a name is resolved, and the address it resolves to is judged', async () => {
  expect((await advise('http://localhost:3000/'))[0]!.message).toMatch(/^localhost resolves to 127\.0\.0\.1 \(loopback\), which is not allowed/);
  expect((await advise('https://intranet.example.test/'))[0]!.message).toMatch(/resolves to 10\.1\.2\.3 \(private\)/);
  expect(await advise('https://example.com/')).toEqual([]);
  expect((await advise('https://nowhere.invalid/'))[0]!.message).toBe(
    'nowhere.invalid does not resolve to any address (ENOTFOUND); probes will fail until it does.',
  );
});

test('the allow-list the beacons use silences the warning; metadata addresses can never be allowed', async () => {
  const internal = createAddressAdvisor({ allowCidrs: ['127.0.0.0/8', '10.0.0.0/8'], resolve: resolveTestHost });
  expect(await internal('http://localhost:3000/')).toEqual([]);
  expect(await internal('http://10.0.0.5/')).toEqual([]);
  expect((await internal('http://169.254.169.254/latest/meta-data/'))[0]!.message).toBe(
    "169.254.169.254 (cloud metadata endpoint) is refused by this installation's address policy and cannot be allowed: its beacons will never probe it.",
  );
});

test('a lookup that does not answer in time holds the save up for the timeout only, and warns about nothing', async () => {
  const slow = createAddressAdvisor({ allowCidrs: [], resolve: () => new Promise(() => {}), timeoutMs: 100 });
  const started = performance.now();
  expect(await slow('http://slow.example.com/')).toEqual([]);
  expect(performance.now() - started).toBeLessThan(1000);
  const failing = createAddressAdvisor({
    allowCidrs: [],
    resolve: () => Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })),
  });
  expect(await failing('http://flaky.example.com/')).toEqual([]);
});
