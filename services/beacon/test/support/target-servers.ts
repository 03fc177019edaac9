import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SeenRequest = { method: string; url: string; headers: IncomingMessage['headers']; body: string };
export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TargetServer {
  readonly origin: string;
  readonly port: number;
  /** Every request that reached the server, in arrival order. */
  readonly seen: SeenRequest[];
  /** Highest number of requests being handled at the same moment. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

/** Starts a real HTTP(S) server on `host` that dispatches on the path and records each request. */
export async function startTargetServer(
  routes: Record<string, Route>,
  options: { host?: string; tls?: { key: string; cert: string } } = {},
): Promise<TargetServer> {
  const host = options.host ?? '127.0.0.1';
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = new URL(req.url ?? '/', 'http://target').pathname;
      const route = routes[path];
      if (route) return route(req, res, body);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    seen,
    maxInFlight: () => maxInFlight,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Generates a self-signed certificate with openssl for the given subjectAltName list. */
export function generateCertificate(subjectAltName: string, days = 30): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', String(days),
        '-subj', '/CN=pingdummy-test', '-addext', `subjectAltName=${subjectAltName}`],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Generates a certificate that expired yesterday, signed by a throwaway CA whose certificate is
 * returned as `ca` (openssl's `ca` command is the one that accepts explicit start and end dates).
 */
export function generateExpiredCertificate(subjectAltName: string): SelfSignedCertificate & { ca: string } {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-expired-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  try {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=pingdummy-test-ca']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=pingdummy-expired']);
    const day = 86_400_000;
    const stamp = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
    const config = [
      '[ca]', 'default_ca = test', '[test]', `dir = ${dir}`, 'database = $dir/index.txt', 'new_certs_dir = $dir',
      'serial = $dir/serial', 'default_md = sha256', 'policy = anything', 'copy_extensions = none', 'x509_extensions = leaf',
      '[anything]', 'commonName = supplied', '[leaf]', `subjectAltName = ${subjectAltName}`,
    ].join('\n');
    execFileSync('sh', ['-c', `printf '%s' "$0" > ca.cnf && : > index.txt && echo 01 > serial`, config], { cwd: dir });
    run(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'leaf.csr', '-out', 'leaf.pem',
      '-startdate', stamp(new Date(Date.now() - 10 * day)), '-enddate', stamp(new Date(Date.now() - day))]);
    return {
      key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
      cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
      ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
