// The benchmarks' HTTP side: a cookie-jar client that signs in with the real forms, and page timings (client time
// plus the server's own Server-Timing figures).

export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(`${this.baseUrl}${pathname}`, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, index).trim(), pair!.slice(index + 1).trim());
    }
    return response;
  }

  /** Submits a form page (sign-up or login) with its CSRF token; the session cookie stays in the jar. */
  async submitCredentials(pathname: '/signup' | '/login', email: string, password: string): Promise<void> {
    const form = await this.request(pathname);
    const html = await form.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`no CSRF token on ${pathname} (status ${form.status})`);
    const response = await this.request(pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
    });
    await response.arrayBuffer();
    if (response.status !== 303 || response.headers.get('location') !== '/dashboard') {
      throw new Error(`${pathname} failed with status ${response.status}`);
    }
  }
}

export interface Timing {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Server's own figure from a Server-Timing header, when the app sends one. */
  serverP95?: number;
  /** Medians of the Server-Timing `db` and `render` entries: where the server's time goes. */
  serverDbP50?: number;
  serverRenderP50?: number;
  bytes?: number;
  /** Median of every Server-Timing entry (db-list, db-summaries, db-glance, render, ...). */
  serverEntriesP50?: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function summarize(samples: number[], serverSamples: number[] = [], bytes?: number, split: { db: number[]; render: number[] } = { db: [], render: [] }): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  const timing: Timing = {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
  if (serverSamples.length > 0) timing.serverP95 = round(percentile([...serverSamples].sort((a, b) => a - b), 0.95));
  if (split.db.length > 0) timing.serverDbP50 = round(percentile([...split.db].sort((a, b) => a - b), 0.5));
  if (split.render.length > 0) timing.serverRenderP50 = round(percentile([...split.render].sort((a, b) => a - b), 0.5));
  if (bytes !== undefined) timing.bytes = bytes;
  return timing;
}

/** How many requests a page is measured with, after how many unmeasured ones. */
export interface MeasureOptions {
  requests: number;
  warmup: number;
}

/** N sequential requests after a warm-up; time from sending to the last body byte, on loopback. */
export async function measurePage(
  browser: Browser,
  pathname: string,
  options: MeasureOptions,
  headers: Record<string, string> = {},
): Promise<Timing> {
  let bytes = 0;
  const run = async () => {
    const started = performance.now();
    const response = await browser.request(pathname, { headers });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`${pathname} answered ${response.status}`);
    bytes = body.byteLength;
    const header = response.headers.get('server-timing') ?? '';
    const entry = (name: string) => {
      const match = new RegExp(`(?:^|,)\\s*${name};dur=([\\d.]+)`).exec(header);
      return match ? Number(match[1]) : undefined;
    };
    const all = Object.fromEntries([...header.matchAll(/(?:^|,)\s*([\w-]+);dur=([\d.]+)/g)].map((match) => [match[1]!, Number(match[2])]));
    return { elapsed, server: entry('total'), db: entry('db'), render: entry('render'), all };
  };
  for (let index = 0; index < options.warmup; index++) await run();
  const samples: number[] = [];
  const serverSamples: number[] = [];
  const split = { db: [] as number[], render: [] as number[] };
  const entries = new Map<string, number[]>();
  for (let index = 0; index < options.requests; index++) {
    const { elapsed, server, db, render, all } = await run();
    for (const [name, value] of Object.entries(all)) entries.set(name, [...(entries.get(name) ?? []), value]);
    samples.push(elapsed);
    if (server !== undefined) serverSamples.push(server);
    if (db !== undefined) split.db.push(db);
    if (render !== undefined) split.render.push(render);
  }
  const timing = summarize(samples, serverSamples, bytes, split);
  timing.serverEntriesP50 = Object.fromEntries(
    [...entries].map(([name, values]) => [name, Math.round(percentile(values.sort((a, b) => a - b), 0.5) * 100) / 100]),
  );
  return timing;
}
