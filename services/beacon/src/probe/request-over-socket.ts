import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HopRequest } from '@pingdummy/shared';

/**
 * Sends one HTTP/1.1 request over a socket that is already open (and verified, for https) and resolves
 * with the response once its headers arrived. Node's own client without an agent: no pool and no
 * keep-alive (it sends `Connection: close`), far less work per probe than an undici Agent and Client;
 * the socket stays the caller's to destroy. Invalid header names or values reject, never throw.
 */
export function requestOverSocket(socket: Socket, url: URL, hop: HopRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...hop.headers };
    // The target's own Host header (a virtual host behind an IP) wins; otherwise the URL's.
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host')) headers.host = url.host;
    try {
      const outgoing = request({
        createConnection: () => socket,
        method: hop.method,
        path: `${url.pathname}${url.search}`,
        headers,
        setHost: false,
      });
      outgoing.once('response', resolve);
      outgoing.once('error', reject);
      outgoing.end(hop.body);
    } catch (error) {
      reject(error);
    }
  });
}
