import type { LookupAddress } from 'node:dns';
import {
  checkAddress,
  classifyOutboundError,
  createGuardedAgent,
  hostNameProblem,
  isAddressAllowed,
  parseAllowCidrs,
  requestFollowingRedirects,
  type ResolveHost,
} from '../src/outbound/index.js';

/** Names the bypass corpus resolves without DNS; anything else goes to the system resolver. */
const TEST_ZONE: Record<string, LookupAddress[]> = {
  'internal.test': [{ address: '10.0.0.5', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'v6-loopback.test': [{ address: '::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:10.0.0.1', family: 6 }],
  'nat64.test': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
  'pod-identity.test': [{ address: 'fd00:ec2::23', family: 6 }],
  'six-to-four.test': [{ address: '2002:a9fe:a9fe::1', family: 6 }],
  // One public and one private answer: the private one must sink the whole connection.
  'mixed.test': [
    { address: '93.184.215.14', family: 4 },
    { address: '192.168.0.10', family: 4 },
  ],
  'mixed-v6.test': [
    { address: '2606:4700:4700::1111', family: 6 },
    { address: 'fd00:ec2::254', family: 6 },
  ],
};

const testResolve: ResolveHost = async (hostname) => {
  const answer = TEST_ZONE[hostname];
  if (answer) return answer;
  const { lookup } = await import('node:dns/promises');
  return lookup(hostname, { all: true });
};

type BypassAttempt = [url: string, errorClass: 'blocked_address' | 'invalid_url', reason: RegExp];

/** Each URL tries to reach something that is not a public host; every one must be refused. */
const BYPASS_CORPUS: BypassAttempt[] = [
  // Loopback in every spelling the WHATWG parser accepts.
  ['http://127.0.0.1/', 'blocked_address', /loopback/],
  ['http://127.1/', 'blocked_address', /loopback/],
  ['http://2130706433/', 'blocked_address', /loopback/],
  ['http://0177.0.0.1/', 'blocked_address', /loopback/],
  ['http://017700000001/', 'blocked_address', /loopback/],
  ['http://0x7f000001/', 'blocked_address', /loopback/],
  ['http://0x7f.1/', 'blocked_address', /loopback/],
  ['http://127.000.000.001/', 'blocked_address', /loopback/],
  ['http://127.0.0.1./', 'blocked_address', /loopback/],
  ['http://%31%32%37.0.0.1/', 'blocked_address', /loopback/],
  ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', 'blocked_address', /loopback/],
  ['http://127.255.255.254:8080/', 'blocked_address', /loopback/],
  ['http://public.test@127.0.0.1/', 'blocked_address', /loopback/],
  ['http://127.0.0.1#@public.test/', 'blocked_address', /loopback/],
  ['http://[::1]/', 'blocked_address', /loopback/],
  ['http://[0:0:0:0:0:0:0:1]/', 'blocked_address', /loopback/],
  ['http://[::ffff:127.0.0.1]/', 'blocked_address', /loopback/],
  ['http://[::ffff:7f00:1]/', 'blocked_address', /loopback/],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', 'blocked_address', /loopback/],
  ['http://[::127.0.0.1]/', 'blocked_address', /not global unicast/],
  ['http://localhost/', 'blocked_address', /localhost resolves to .* \(loopback\)/],
  ['http://v6-loopback.test/', 'blocked_address', /loopback/],
  // Unspecified ("this host").
  ['http://0.0.0.0/', 'blocked_address', /unspecified/],
  ['http://0/', 'blocked_address', /unspecified/],
  ['http://0.0.0.0:22/', 'blocked_address', /unspecified/],
  ['http://[::]/', 'blocked_address', /unspecified/],
  // Cloud metadata, however written or resolved.
  ['http://169.254.169.254/latest/meta-data/', 'blocked_address', /metadata/],
  ['http://2852039166/latest/meta-data/', 'blocked_address', /metadata/],
  ['http://0xa9fea9fe/', 'blocked_address', /metadata/],
  ['http://0251.0376.0251.0376/', 'blocked_address', /metadata/],
  ['http://[::ffff:169.254.169.254]/', 'blocked_address', /metadata/],
  ['http://169.254.170.2/v2/credentials', 'blocked_address', /metadata/],
  ['http://[fd00:ec2::254]/latest/meta-data/', 'blocked_address', /metadata/],
  ['http://metadata.test/', 'blocked_address', /metadata\.test resolves to 169\.254\.169\.254/],
  // Private, shared and special-purpose IPv4.
  ['http://10.0.0.1/', 'blocked_address', /private/],
  ['http://172.16.0.1/', 'blocked_address', /private/],
  ['http://172.31.255.255/', 'blocked_address', /private/],
  ['http://192.168.1.1/', 'blocked_address', /private/],
  ['http://0300.0250.0.1/', 'blocked_address', /private/],
  ['http://192.168.257/', 'blocked_address', /private/],
  ['http://[::ffff:a00:1]/', 'blocked_address', /private/],
  ['http://internal.test/', 'blocked_address', /internal\.test resolves to 10\.0\.0\.5 \(private\)/],
  ['http://mapped.test/', 'blocked_address', /private/],
  ['http://mixed.test/', 'blocked_address', /192\.168\.0\.10 \(private\)/],
  ['http://100.64.0.1/', 'blocked_address', /carrier-grade NAT/],
  ['http://100.127.255.254/', 'blocked_address', /carrier-grade NAT/],
  ['http://169.254.1.1/', 'blocked_address', /link-local/],
  ['http://198.18.0.1/', 'blocked_address', /reserved/],
  ['http://198.19.255.1/', 'blocked_address', /reserved/],
  ['http://192.0.2.1/', 'blocked_address', /reserved/],
  ['http://198.51.100.7/', 'blocked_address', /reserved/],
  ['http://203.0.113.5/', 'blocked_address', /reserved/],
  ['http://192.0.0.8/', 'blocked_address', /reserved/],
  ['http://240.0.0.1/', 'blocked_address', /reserved/],
  ['http://224.0.0.1/', 'blocked_address', /multicast/],
  ['http://255.255.255.255/', 'blocked_address', /broadcast/],
  // Special-purpose IPv6, including the ones that tunnel to IPv4.
  ['http://[fe80::1]/', 'blocked_address', /link-local/],
  ['http://[fc00::1]/', 'blocked_address', /unique local/],
  ['http://[fd12:3456::1]/', 'blocked_address', /unique local/],
  ['http://[ff02::1]/', 'blocked_address', /multicast/],
  ['http://[64:ff9b::7f00:1]/', 'blocked_address', /NAT64/],
  ['http://[64:ff9b::a9fe:a9fe]/', 'blocked_address', /NAT64/],
  ['http://[64:ff9b:1::a00:1]/', 'blocked_address', /NAT64/],
  ['http://nat64.test/', 'blocked_address', /NAT64/],
  ['http://[2002:7f00:1::]/', 'blocked_address', /6to4/],
  ['http://[2002:c0a8:101::1]/', 'blocked_address', /6to4/],
  ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'blocked_address', /Teredo/],
  ['http://[2001:db8::1]/', 'blocked_address', /reserved/],
  ['http://[100::1]/', 'blocked_address', /discard/],
  ['http://[fec0::1]/', 'blocked_address', /site-local/],
  ['http://mixed-v6.test/', 'blocked_address', /fd00:ec2::254 \(cloud metadata endpoint\)/],
  // Not http(s), or not parsable as a host at all.
  ['http://[fe80::1%25eth0]/', 'invalid_url', /not a valid URL/],
  ['ftp://127.0.0.1/', 'invalid_url', /ftp: URLs are not allowed/],
  ['file:///etc/passwd', 'invalid_url', /file: URLs are not allowed/],
  ['gopher://127.0.0.1:6379/_INFO', 'invalid_url', /gopher: URLs are not allowed/],
  ['http://[::1/', 'invalid_url', /not a valid URL/],
];

describe('bypass corpus: every attempt is refused before a byte is sent', () => {
  const agent = createGuardedAgent({ resolve: testResolve, connectTimeoutMs: 2_000 });
  afterAll(() => agent.close());

  test('holds at least 40 attempts', () => {
    expect(BYPASS_CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(BYPASS_CORPUS)('%s -> %s', async (url, errorClass, reason) => {
    const error = await requestFollowingRedirects({ url }, { dispatcher: agent }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const classified = classifyOutboundError(error);
    expect(classified.errorClass).toBe(errorClass);
    expect(classified.message).toMatch(reason);
  });
});

/**
 * The cloud metadata endpoints in every spelling that reaches them: each must be refused even when
 * an operator allows everything (0.0.0.0/0 and ::/0) to reach an internal network.
 */
const METADATA_SPELLINGS: string[] = [
  // The endpoints themselves (EC2 IMDS, ECS, EKS Pod Identity, Time Sync, DNS; IPv4 and IPv6).
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '169.254.169.123',
  '169.254.169.253',
  'fd00:ec2::254',
  'fd00:ec2::23',
  'fd00:ec2::123',
  'fd00:ec2::253',
  // IPv6 forms that embed 169.254.169.254 (a9fe:a9fe).
  '::ffff:169.254.169.254', // IPv4-mapped
  '::ffff:0:a9fe:a9fe', // SIIT (IPv4-translated)
  '::ffff:0:169.254.169.254',
  '::a9fe:a9fe', // IPv4-compatible
  '::169.254.169.254',
  '64:ff9b::a9fe:a9fe', // NAT64, well-known prefix
  '64:ff9b::169.254.169.254',
  '64:ff9b::a9fe:aa17', // NAT64 to EKS Pod Identity 169.254.170.23
  '64:ff9b::a9fe:aa02', // NAT64 to ECS 169.254.170.2
  '64:ff9b:1:a9fe:a9:fe00::', // local-use NAT64, /48 layout
  '64:ff9b:1:a9:fe:a9fe::', // local-use NAT64, /56 layout
  '64:ff9b:1:0:a9:fea9:fe00:0', // local-use NAT64, /64 layout
  '64:ff9b:1::a9fe:a9fe', // local-use NAT64, /96 layout
  '2002:a9fe:a9fe::', // 6to4
  '2002:a9fe:a9fe:1234::1',
  '2001:0:4136:e378:8000:63bf:5601:5601', // Teredo client 169.254.169.254 (stored inverted)
  '2001:0:a9fe:a9fe::1', // Teredo server 169.254.169.254
  '2600:1f18::a9fe:a9fe', // any /96 NAT64 prefix: the low 32 bits
];

const ALLOW_EVERYTHING = ['0.0.0.0/0', '::/0'];

describe('a broad allow-list (0.0.0.0/0, ::/0) never opens the metadata endpoints', () => {
  const allowEverything = parseAllowCidrs(ALLOW_EVERYTHING);

  test('the allow-list really is broad: internal and tunnelled addresses pass', () => {
    for (const ip of ['10.0.0.1', '127.0.0.1', '169.254.10.10', 'fd12::1', '64:ff9b::a00:1', '2002:c0a8:101::1', '::ffff:0:a00:1']) {
      expect([ip, checkAddress(ip, allowEverything)]).toEqual([ip, { allowed: true }]);
    }
  });

  test.each(METADATA_SPELLINGS)('%s is refused as a metadata endpoint', (ip) => {
    const verdict = checkAddress(ip, allowEverything);
    expect(verdict).toEqual({ allowed: false, reason: expect.stringMatching(/cloud metadata endpoint/) });
  });

  test('an embedding IPv6 address names the range and the IPv4 address it carries', () => {
    expect(checkAddress('64:ff9b::a9fe:aa17', allowEverything)).toEqual({
      allowed: false,
      reason: 'NAT64, embeds cloud metadata endpoint 169.254.170.23',
    });
    expect(checkAddress('2001:0:4136:e378:8000:63bf:5601:5601', allowEverything)).toEqual({
      allowed: false,
      reason: 'Teredo, embeds cloud metadata endpoint 169.254.169.254',
    });
    expect(checkAddress('2600:1f18::a9fe:a9fe', allowEverything)).toEqual({
      allowed: false,
      reason: 'embeds cloud metadata endpoint 169.254.169.254',
    });
  });

  describe('end to end through the guarded agent', () => {
    const agent = createGuardedAgent({ allowCidrs: ALLOW_EVERYTHING, resolve: testResolve, connectTimeoutMs: 2_000 });
    afterAll(() => agent.close());

    const urls: Array<[url: string, reason: RegExp]> = [
      ...METADATA_SPELLINGS.map((ip): [string, RegExp] => [`http://${ip.includes(':') ? `[${ip}]` : ip}/latest/meta-data/`, /metadata/]),
      ['http://2852039166/', /169\.254\.169\.254 \(cloud metadata endpoint\)/],
      ['http://nat64.test/', /nat64\.test resolves to 64:ff9b::a9fe:a9fe \(NAT64, embeds cloud metadata endpoint 169\.254\.169\.254\)/],
      ['http://pod-identity.test/', /pod-identity\.test resolves to fd00:ec2::23 \(cloud metadata endpoint\)/],
      ['http://six-to-four.test/', /6to4, embeds cloud metadata endpoint 169\.254\.169\.254/],
    ];

    test.each(urls)('%s -> blocked_address', async (url, reason) => {
      const error = await requestFollowingRedirects({ url }, { dispatcher: agent }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const classified = classifyOutboundError(error);
      expect(classified.errorClass).toBe('blocked_address');
      expect(classified.message).toMatch(reason);
    });
  });
});

describe('host names DNS cannot carry are invalid URLs, refused before any lookup', () => {
  const label63 = 'a'.repeat(63);
  const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');

  test('hostNameProblem: 253 characters and 63-character labels are the limits', () => {
    expect(name253).toHaveLength(253);
    expect(hostNameProblem(name253)).toBeNull();
    expect(hostNameProblem(`${name253}.`)).toBeNull(); // the root dot is not part of the length
    expect(hostNameProblem(`${name253}a`)).toBe('host name is 254 characters long; at most 253 are allowed');
    expect(hostNameProblem(`${label63}.test`)).toBeNull();
    expect(hostNameProblem(`${label63}a.test`)).toBe(`host name label "${'a'.repeat(20)}..." is 64 characters long; at most 63 are allowed`);
    expect(hostNameProblem('[::1]')).toBeNull();
    expect(hostNameProblem('127.0.0.1')).toBeNull();
  });

  const asked: string[] = [];
  const recordingResolve: ResolveHost = async (hostname) => {
    asked.push(hostname);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  const agent = createGuardedAgent({ allowCidrs: ALLOW_EVERYTHING, resolve: recordingResolve, connectTimeoutMs: 2_000 });
  afterAll(() => agent.close());

  test.each([
    ['a 300-character name', `http://${'a'.repeat(300)}/`, /^host name is 300 characters long; at most 253 are allowed$/],
    ['a 64-character label', `http://${'b'.repeat(64)}.test/`, /^host name label "b{20}\.\.\." is 64 characters long; at most 63 are allowed$/],
  ])('%s is invalid_url, whether the URL is parsed by the redirect follower or handed straight to the agent', async (_what, url, message) => {
    asked.length = 0;
    const followed = await requestFollowingRedirects({ url }, { dispatcher: agent }).catch((caught: unknown) => caught);
    expect(classifyOutboundError(followed)).toEqual({ errorClass: 'invalid_url', message: expect.stringMatching(message) });
    // A webhook sender calls undici directly; the guarded lookup refuses the name all the same.
    const { request } = await import('undici');
    const direct = await request(url, { dispatcher: agent }).catch((caught: unknown) => caught);
    expect(classifyOutboundError(direct)).toEqual({ errorClass: 'invalid_url', message: expect.stringMatching(message) });
    expect(asked).toEqual([]);
  });
});

describe('checkAddress / isAddressAllowed', () => {
  test.each([
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['93.184.215.14'],
    ['2606:4700:4700::1111'],
    ['2a00:1450:4001:82b::200e'],
    ['::ffff:8.8.8.8'],
  ])('global unicast %s is allowed', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true });
  });

  test.each([['not-an-ip'], ['300.1.1.1'], [''], ['fe80::1%eth0']])('%s is refused', (ip) => {
    expect(isAddressAllowed(ip)).toBe(false);
  });

  test('an allow-list lets internal ranges through, unmapping IPv4-mapped addresses', () => {
    const allow = parseAllowCidrs(['10.0.0.0/8', 'fd12::/16', '192.168.1.5']);
    expect(isAddressAllowed('10.1.2.3', allow)).toBe(true);
    expect(isAddressAllowed('::ffff:10.1.2.3', allow)).toBe(true);
    expect(isAddressAllowed('fd12:1::1', allow)).toBe(true);
    expect(isAddressAllowed('192.168.1.5', allow)).toBe(true);
    expect(isAddressAllowed('192.168.1.6', allow)).toBe(false);
    expect(isAddressAllowed('172.16.0.1', allow)).toBe(false);
    expect(isAddressAllowed('127.0.0.1', allow)).toBe(false);
  });

  test('an IPv4-mapped CIDR in the allow-list covers the IPv4 addresses', () => {
    const allow = parseAllowCidrs(['::ffff:10.0.0.0/104']);
    expect(isAddressAllowed('10.9.9.9', allow)).toBe(true);
    expect(isAddressAllowed('172.16.0.1', allow)).toBe(false);
  });

  test('metadata endpoints stay refused even inside an allowed range', () => {
    const allow = parseAllowCidrs(['169.254.0.0/16', 'fd00::/8']);
    expect(isAddressAllowed('169.254.10.10', allow)).toBe(true);
    expect(checkAddress('169.254.169.254', allow)).toEqual({ allowed: false, reason: 'cloud metadata endpoint' });
    expect(checkAddress('169.254.170.2', allow)).toEqual({ allowed: false, reason: 'cloud metadata endpoint' });
    expect(checkAddress('fd00:ec2:0::254', allow)).toEqual({ allowed: false, reason: 'cloud metadata endpoint' });
  });

  test('a bad allow-list entry is named in the error', () => {
    expect(() => parseAllowCidrs(['10.0.0.0/8', '10.0.0.0/33'])).toThrow('"10.0.0.0/33" is not a CIDR');
    expect(() => parseAllowCidrs(['intranet'])).toThrow('"intranet" is not a CIDR');
  });
});
