import { ConfigError } from '@pingdummy/shared';
import { parseFrontendConfig } from '../src/config.js';

const required = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app', SESSION_SECRET: 'x'.repeat(32) };

test('no proxy is trusted and no internal address is allowed unless configured', () => {
  const config = parseFrontendConfig(required);
  expect(config).toMatchObject({ trustProxyHops: 0, beaconAllowCidrs: [], authRateLimitPerEmailAndIp: 5, authRateLimitPerEmail: 20 });
  expect(parseFrontendConfig({ ...required, TRUST_PROXY_HOPS: '1', BEACON_ALLOW_CIDRS: '127.0.0.0/8, 10.0.0.0/8' })).toMatchObject({
    trustProxyHops: 1,
    beaconAllowCidrs: ['127.0.0.0/8', '10.0.0.0/8'],
  });
});

test('bad values name the variable', () => {
  expect(() => parseFrontendConfig({ ...required, TRUST_PROXY_HOPS: '-1' })).toThrow(ConfigError);
  expect(() => parseFrontendConfig({ ...required, TRUST_PROXY_HOPS: '-1' })).toThrow(/^TRUST_PROXY_HOPS: /);
  expect(() => parseFrontendConfig({ ...required, BEACON_ALLOW_CIDRS: 'intranet' })).toThrow(
    new ConfigError('BEACON_ALLOW_CIDRS: "intranet" is not a CIDR such as 10.0.0.0/8 or fd00::/8'),
  );
});
