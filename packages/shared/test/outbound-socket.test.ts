import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createGuardedSocketConnector, type ResolveHost } from '../src/outbound/index.js';
import { formatTcpTarget, normalizeTcpHost, parseTcpTarget } from '../src/tcp-target.js';

/** A real TCP server on a chosen loopback address that records the peer of every connection it accepts. */
async function startServer(host: string): Promise<{ server: Server; port: number; accepted: string[] }> {
  const accepted: string[] = [];
  const server = createServer((socket) => {
    accepted.push(socket.localAddress ?? '');
    socket.destroy();
  });
  server.listen(0, host);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

test('a name is dialled at exactly the address that was checked: DNS is asked once, no rebinding gap', async () => {
  const target = await startServer('127.0.0.2');
  const answers = [[{ address: '127.0.0.2', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
  const asked: string[] = [];
  const resolve: ResolveHost = async (hostname) => {
    asked.push(hostname);
    return answers.shift() ?? [];
  };
  const connect = createGuardedSocketConnector({ allowCidrs: ['127.0.0.2/32'], resolve });
  try {
    const attempt = await connect({ host: 'service.internal', port: target.port, tls: false, timeoutMs: 2_000 });
    attempt.socket?.destroy();
    expect(attempt).toMatchObject({ error: null, remoteAddress: '127.0.0.2' });
    expect(asked).toEqual(['service.internal']);
    expect(target.accepted).toEqual(['127.0.0.2']);
  } finally {
    target.server.close();
  }
});

test('one disallowed address among the answers refuses the whole connection', async () => {
  const target = await startServer('127.0.0.2');
  const resolve: ResolveHost = async () => [
    { address: '127.0.0.2', family: 4 },
    { address: '10.0.0.1', family: 4 },
  ];
  const connect = createGuardedSocketConnector({ allowCidrs: ['127.0.0.2/32'], resolve });
  try {
    const attempt = await connect({ host: 'split.internal', port: target.port, tls: false, timeoutMs: 2_000 });
    expect(attempt.socket).toBeNull();
    expect(attempt.error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: 'split.internal resolves to 10.0.0.1 (private), which is not allowed' });
    expect(target.accepted).toEqual([]);
  } finally {
    target.server.close();
  }
});

test('TCP targets round-trip through the url column, IPv6 in brackets', () => {
  expect(formatTcpTarget({ host: 'db.example.com', port: 5432, tls: false })).toBe('tcp://db.example.com:5432');
  expect(formatTcpTarget({ host: '2001:db8::1', port: 993, tls: true })).toBe('tls://[2001:db8::1]:993');
  expect(parseTcpTarget('tls://[2001:db8::1]:993')).toEqual({ host: '2001:db8::1', port: 993, tls: true });
  expect(parseTcpTarget('https://example.com/')).toBeNull();
  expect(normalizeTcpHost(' Bücher.Example ')).toBe('xn--bcher-kva.example');
  expect(normalizeTcpHost('0x7f000001')).toBe('127.0.0.1');
  expect(normalizeTcpHost('[::1]')).toBe('::1');
  expect(() => normalizeTcpHost('db.example.com:5432')).toThrow('must be a host name or IP address only');
  expect(() => normalizeTcpHost('')).toThrow('is required');
});
