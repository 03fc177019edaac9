import type { Readable } from 'node:stream';

export interface CappedBody {
  /** The bytes read, when the caller asked to keep them; empty otherwise. */
  readonly data: Buffer;
  /** Bytes received, up to the first chunk past the cap. */
  readonly receivedBytes: number;
  /** True when the body was longer than the cap and reading stopped there. */
  readonly truncated: boolean;
}

/**
 * Reads a response body up to `maxBytes`, then stops (breaking out of the iterator destroys the
 * stream, so a 5 GB body costs no more than the cap). Keeps the bytes only when `keep` is set; a
 * probe without a keyword reads only to time the download and to notice resets.
 */
export async function readCappedBody(body: Readable, maxBytes: number, keep: boolean): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let receivedBytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    receivedBytes += chunk.length;
    if (receivedBytes > maxBytes) return { data: Buffer.alloc(0), receivedBytes, truncated: true };
    if (keep) chunks.push(chunk);
  }
  return { data: Buffer.concat(chunks), receivedBytes, truncated: false };
}

/** Decodes a body with the charset from Content-Type, falling back to UTF-8 for unknown labels. */
export function decodeBody(data: Buffer, contentType: string | string[] | undefined): string {
  const header = Array.isArray(contentType) ? contentType[0] : contentType;
  const charset = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(header ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(data);
  } catch {
    return new TextDecoder('utf-8').decode(data);
  }
}
