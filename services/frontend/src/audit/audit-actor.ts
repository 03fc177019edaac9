import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from '@pingdummy/shared';
import type { RequestHandler } from 'express';

/** Who is changing the account: a signed-in person, or an API token (with its user). */
export interface AuditActor {
  /** Absent while someone without an account yet acts (accepting an invitation). */
  userId?: string;
  tokenId?: string;
  /** What the audit log shows, kept even after the user or token is gone: an email, or a token's name and owner. */
  label: string;
}

const actorStorage = new AsyncLocalStorage<AuditActor>();

/** Runs `work` with `actor` as the author of every change it makes through an audited pool. */
export function runAsActor<T>(actor: AuditActor, work: () => T): T {
  return actorStorage.run(actor, work);
}

/** Middleware: writes (any method but GET/HEAD/OPTIONS) of the actor found in `res` are audited; reads cost nothing extra. */
export function auditActorMiddleware(actorOf: (res: Parameters<RequestHandler>[1]) => AuditActor | undefined): RequestHandler {
  return (req, res, next) => {
    const actor = ['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? undefined : actorOf(res);
    if (!actor) return next();
    runAsActor(actor, next);
  };
}

async function setActor(client: PoolClient, actor: AuditActor | null): Promise<void> {
  await client.query(`SELECT set_config('pingdummy.actor', $1, false)`, [actor ? JSON.stringify(actor) : '']);
}

/**
 * A pool whose connections carry the current actor (set with runAsActor) as the `pingdummy.actor` setting, so the
 * database's audit triggers (migration 006) log each change in the transaction that makes it, for every route
 * and data function without them knowing. Outside an actor it is the plain pool. The setting is cleared before
 * a connection goes back to the pool; a connection whose clearing fails is discarded. Only `query` and `connect`
 * are wrapped (all the routes use); pool lifecycle (`end`, events) stays with the pool it wraps.
 */
export function createAuditedPool(pool: Pool): Pool {
  const audited = Object.create(pool) as Pool;
  const connectAsActor = async (actor: AuditActor): Promise<PoolClient> => {
    const client = await pool.connect();
    try {
      await setActor(client, actor);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      if (error) return release(error);
      setActor(client, null).then(
        () => release(),
        (clearError: Error) => release(clearError),
      );
    };
    return client;
  };
  audited.connect = (async () => {
    const actor = actorStorage.getStore();
    return actor ? connectAsActor(actor) : pool.connect();
  }) as Pool['connect'];
  audited.query = (async (...args: unknown[]) => {
    const actor = actorStorage.getStore();
    if (!actor) return (pool.query as (...a: unknown[]) => unknown)(...args);
    const client = await connectAsActor(actor);
    try {
      return await (client.query as (...a: unknown[]) => unknown)(...args);
    } finally {
      client.release();
    }
  }) as Pool['query'];
  return audited;
}
