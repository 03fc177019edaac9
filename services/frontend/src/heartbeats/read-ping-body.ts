import type { Readable } from 'node:stream';

export interface PingBody {
  /** The body as UTF-8 text (NUL characters, which Postgres cannot store, replaced), or null when empty. */
  text: string | null;
  /** True when the body was longer than the limit and only its first bytes were kept. */
  truncated: boolean;
}

/**
 * Reads a ping's request body, keeping at most `limitBytes` and discarding the rest, so a job can send
 * its whole log without the ping being refused: the start is stored and the ping flagged as truncated.
 */
export async function readPingBody(stream: Readable, limitBytes: number): Promise<PingBody> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let totalBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    totalBytes += chunk.length;
    if (keptBytes < limitBytes) {
      const part = chunk.subarray(0, limitBytes - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
  }
  if (totalBytes === 0) return { text: null, truncated: false };
  // A multi-byte character cut at the limit becomes U+FFFD instead of failing the ping.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(kept)).replaceAll('\u0000', '\uFFFD');
  return { text, truncated: totalBytes > limitBytes };
}
