import { request, type Dispatcher } from 'undici';
import type { DeliveryAttempt } from './delivery.js';

export interface PostJsonOptions {
  url: string;
  /** The exact bytes sent (a signature may cover them). */
  body: string;
  headers?: Record<string, string>;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** A credential that may appear in the URL or an error (Telegram's bot token): replaced before any text leaves. */
  secret?: string | null;
}

/** `text` with every occurrence of `secret` replaced, so an error can be stored and logged safely. */
export function redactSecret(text: string, secret: string | null | undefined): string {
  return secret ? text.split(secret).join('[secret]') : text;
}

/**
 * POSTs JSON and maps the answer to an attempt: 2xx is success; 4xx other than 408/429 is final (retrying
 * the same request cannot help); 5xx, 408, 429 and network errors are retried.
 */
export async function postJson(options: PostJsonOptions): Promise<DeliveryAttempt> {
  try {
    const response = await request(options.url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: { 'content-type': 'application/json', 'user-agent': 'Pingdummy-Notifier/1.0', ...options.headers },
      body: options.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, detail: `HTTP ${response.statusCode}` };
    const retryable = response.statusCode >= 500 || response.statusCode === 408 || response.statusCode === 429;
    return { ok: false, error: `HTTP ${response.statusCode}`, retryable };
  } catch (error) {
    return { ok: false, error: redactSecret((error as Error).message, options.secret).slice(0, 300), retryable: true };
  }
}
