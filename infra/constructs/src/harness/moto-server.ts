import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** What to do when moto_server is not installed: one line, printed as is. */
export const MOTO_SERVER_MISSING = "moto_server is not on PATH: install it with `pip install 'moto[server]'` (moto 5.x)";

/** Dummy credentials: moto accepts any, and the real ones must never reach it. */
export const REHEARSAL_CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } as const;

/** A running moto_server on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface StartMotoServerOptions {
  /** Account moto answers as (one server per account: moto's cross-account `AssumeRole` does not mix with `MOTO_ACCOUNT_ID`). */
  readonly accountId: string;
  /** Region of the environment, for moto's own internal clients. */
  readonly region: string;
  /**
   * Tasks moto reports running in every ECS service (`MOTO_ECS_SERVICE_RUNNING`): moto starts none,
   * so without it no rollout ever completes. @default 0
   */
  readonly ecsTasksRunning?: number;
}

/** Full path of an executable found on PATH, or undefined. */
export function findOnPath(command: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const folder of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(folder, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** A TCP port free on loopback right now (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto_server on a free loopback port and waits until it answers.
 * - `MOTO_ACCOUNT_ID`: moto answers as the stack's account (so `allowed_account_ids` holds);
 * - `MOTO_IAM_LOAD_MANAGED_POLICIES`: AWS managed policies (PowerUserAccess...) exist;
 * - dummy credentials and `AWS_EC2_METADATA_DISABLED`: moto's internal clients never probe the
 *   instance metadata address nor see real credentials.
 */
export async function startMotoServer(options: StartMotoServerOptions): Promise<MotoServer> {
  const executable = findOnPath('moto_server');
  if (!executable) throw new Error(MOTO_SERVER_MISSING);
  const port = await freeLoopbackPort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MOTO_ACCOUNT_ID: options.accountId,
    MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    AWS_ACCESS_KEY_ID: REHEARSAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: REHEARSAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: options.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    MOTO_ECS_SERVICE_RUNNING: String(options.ecsTasksRunning ?? 0),
  };
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 200) stderr.shift();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, () => stderr.join(''));
  return { endpoint, stop: () => stopProcess(child) };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (code ${child.exitCode}) before answering:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child);
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
