import type { RunningHttpService } from '@pingdummy/shared';
import { createTestDatabase, type TestDatabase } from '@pingdummy/shared/testing';
import type { FrontendConfig } from '../../src/config.js';
import { startFrontend, type StartFrontendOptions } from '../../src/index.js';
import { createLogger } from '@pingdummy/shared';
import { resolveTestHost } from '../test-resolver.js';

export interface TestFrontend {
  service: RunningHttpService;
  db: TestDatabase;
  url: string;
  stop(): Promise<void>;
}

/** A real frontend on a random port against a fresh migrated database; `logger` to read what it logs. */
export async function startTestFrontend(
  overrides: Partial<FrontendConfig> = {},
  options: Pick<StartFrontendOptions, 'pingBuffer' | 'logger'> = {},
): Promise<TestFrontend> {
  const db = await createTestDatabase();
  const config: FrontendConfig = {
    port: 0,
    databaseUrl: db.url,
    sessionSecret: 'test-session-secret-that-is-long-enough-123',
    checkLimitPerAccount: 50,
    cookieSecure: false,
    logLevel: 'silent',
    stopTimeoutMs: 1000,
    authRateLimitPerIp: 1000,
    authRateLimitPerEmailAndIp: 1000,
    authRateLimitPerEmail: 1000,
    trustProxyHops: 0,
    beaconAllowCidrs: [],
    emailDeliveryConfigured: true,
    ...overrides,
  };
  const service = await startFrontend(config, {
    handleSignals: false,
    logger: options.logger ?? createLogger('frontend-test', 'silent'),
    resolveHost: resolveTestHost,
    ...options,
  });
  return {
    service,
    db,
    url: service.url,
    stop: async () => {
      await service.stop();
      await db.drop();
    },
  };
}

/** The CSRF token of the first form on a page. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

export interface PageResponse {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
}

/** A browser stand-in: keeps cookies, does not follow redirects, sends forms url-encoded. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  private store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body,
    });
    this.store(response);
    return { status: response.status, headers: response.headers, body: await response.text(), location: response.headers.get('location') };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request('GET', path, { headers });
  }

  /** Posts a form; string[] values become repeated fields (checkbox groups). */
  post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    return this.request('POST', path, {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Loads `pagePath`, then submits a form to `action` with that page's CSRF token. */
  async submit(pagePath: string, action: string, fields: Record<string, string | string[]>): Promise<PageResponse> {
    const page = await this.get(pagePath);
    if (page.status !== 200) throw new Error(`GET ${pagePath} gave ${page.status}`);
    return this.post(action, { _csrf: csrfTokenOf(page.body), ...fields });
  }

  async signUp(email: string, password = 'correct horse battery'): Promise<PageResponse> {
    const response = await this.submit('/signup', '/signup', { email, password });
    if (response.status !== 303) throw new Error(`sign-up of ${email} gave ${response.status}: ${response.body.slice(0, 500)}`);
    return response;
  }
}

/** The id of the check a create or save redirected to (`/checks/<id>?notice=...`). */
export function checkIdFrom(location: string | null): string {
  const match = /^\/checks\/([0-9a-f-]{36})\?notice=/.exec(location ?? '');
  if (!match?.[1]) throw new Error(`unexpected redirect ${location}`);
  return match[1];
}

/** The fields of a complete check form, overridable per test. */
export function checkFormFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Homepage',
    url: 'https://example.com/',
    method: 'GET',
    headers: '',
    body: '',
    intervalSeconds: '60',
    timeoutMs: '10000',
    expectedStatusCodes: '200-399',
    keyword: '',
    keywordMode: '',
    degradedThresholdMs: '',
    failuresBeforeDown: '2',
    recoveriesBeforeUp: '1',
    ...overrides,
  };
}
