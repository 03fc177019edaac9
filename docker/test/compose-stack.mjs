// The compose stack of the container tests and chaos experiments: the images built, a network of
// its own (with the subnet the beacon may reach), docker/compose.yml + docker/test/compose.e2e.yml
// up under a project name, and clients for what the tests look at: the frontend (pages and API),
// the database, the fixture (probe target and webhook receiver) and the containers.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../scripts/free-port.mjs';
import { podmanEnvironment } from './podman.mjs';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIG = 64 * 1024 * 1024;

export async function waitFor(what, probe, { seconds = 120, every = 1000 } = {}) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** A browser-like client: keeps cookies, reads the CSRF token from the page it submits from. */
export class Browser {
  cookies = new Map();
  constructor(base) {
    this.base = base;
  }
  async request(pathname, init = {}) {
    const response = await fetch(new URL(pathname, this.base), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }
  async page(pathname) {
    const response = await this.request(pathname);
    const html = await response.text();
    return { status: response.status, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] };
  }
  async submit(pathname, formPath, fields) {
    const { csrf } = await this.page(formPath);
    return this.request(pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
  }
}

/**
 * Builds the images and brings the stack up; resolves once the frontend is ready.
 * @param {{ project: string, subnet: string }} options
 */
export async function startComposeStack({ project, subnet }) {
  const env = podmanEnvironment();
  const network = `${project}-net`;
  const ports = { frontend: await freePort(), fixture: await freePort(), postgres: await freePort() };
  const composeEnv = {
    ...env,
    FRONTEND_PORT: String(ports.frontend),
    FIXTURE_PORT: String(ports.fixture),
    POSTGRES_PORT: String(ports.postgres),
    IMAGE_TAG: 'e2e',
    PINGDUMMY_SUBNET: subnet,
    E2E_NETWORK: network,
  };
  const compose = (args) => exec('podman-compose', ['-p', project, '-f', 'docker/compose.yml', '-f', 'docker/test/compose.e2e.yml', ...args], { cwd: root, env: composeEnv, maxBuffer: BIG });
  const podman = async (...args) => (await exec('podman', args, { env, maxBuffer: BIG })).stdout.trim();

  await exec('bash', ['docker/build-images.sh'], { cwd: root, env: { ...env, IMAGE_TAG: 'e2e', CONTAINER_ENGINE: 'podman' }, maxBuffer: BIG });
  await podman('build', '--quiet', '-t', 'pingdummy/e2e-fixtures:latest', '-f', path.join(root, 'docker/test/fixture.Containerfile'), path.join(root, 'docker/test'));
  await podman('network', 'create', '--subnet', subnet, network);
  await compose(['up', '-d']);
  const frontend = `http://127.0.0.1:${ports.frontend}`;
  await waitFor('the frontend', async () => (await fetch(`${frontend}/readyz`)).ok, { seconds: 180 });
  // A pool, so queries reconnect after a chaos experiment restarted Postgres.
  const db = new pg.Pool({ connectionString: `postgres://pingdummy:pingdummy-local-only@127.0.0.1:${ports.postgres}/pingdummy`, max: 2 });
  // Stopping Postgres (chaos) or `down` ends the server under the pool's connections: expected.
  db.on('error', () => {});
  await waitFor('the database from the host', () => db.query('SELECT 1').then(() => true), { seconds: 60 });

  return {
    project,
    network,
    ports,
    frontend,
    db,
    compose,
    podman,
    /** Container name of a compose service (podman-compose names them <project>_<service>_1). */
    container: (service) => `${project}_${service}_1`,
    fixture: (pathname, method = 'GET') => fetch(`http://127.0.0.1:${ports.fixture}${pathname}`, { method }),
    /** Takes everything down: containers, volumes and the network. */
    async stop() {
      await db.end().catch(() => {});
      await compose(['down', '-v']).catch(() => {});
      await podman('network', 'rm', '-f', network).catch(() => {});
    },
  };
}

/** Signs up through the pages, makes an API token in the settings page, returns an API client. */
export async function signUpWithApiToken(stack, email) {
  const browser = new Browser(stack.frontend);
  const signup = await browser.submit('/signup', '/signup', { email, password: 'correct horse battery' });
  if (signup.status !== 303) throw new Error(`sign-up answered ${signup.status}`);
  const created = await browser.submit('/settings/tokens', '/settings', { name: 'e2e' });
  if (created.status !== 303) throw new Error(`token creation answered ${created.status}`);
  const token = /id="new-token"[^>]*value="([^"]+)"/.exec((await browser.page('/settings')).html)?.[1];
  if (!token) throw new Error('the settings page showed no new token');
  const api = (pathname, init = {}) =>
    fetch(`${stack.frontend}/api/v1${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  return { browser, api, token };
}
