import cron, { type ScheduledTask } from 'node-cron';
import { Agent } from 'undici';
import {
  createGuardedAgent,
  createLogger,
  createPool,
  databasePasswordSourceFromEnvironment,
  pingDatabase,
  runMigrations,
  startHttpService,
  type Logger,
  type RunningHttpService,
} from '@pingdummy/shared';
import { providerEndpoints, type WorkerConfig } from './config.js';
import { EmailSender, UnconfiguredEmailSender } from './notifier/email-sender.js';
import { deliverInvitationEmails } from './notifier/invitation-emails.js';
import { nextNotificationDueAt } from './notifier/next-notification-due.js';
import { deliverDueNotifications } from './notifier/notifier.js';
import { createSenders } from './notifier/senders.js';
import { evaluateHeartbeats } from './heartbeats/evaluate-heartbeats.js';
import { recordHeartbeatSamples } from './heartbeats/heartbeat-samples.js';
import { nextHeartbeatEvaluationAt } from './heartbeats/next-heartbeat-evaluation.js';
import { deleteOldPings } from './heartbeats/ping-retention.js';
import { countOverdueChecks, OverdueMetricPublisher } from './overdue-metric.js';
import { applyRetention } from './retention.js';
import { foldDailyRollups } from './fold-daily-rollups.js';
import { Scheduler } from './scheduler.js';
import { WakeableLoop } from './wakeable-loop.js';
import { CHECK_DUE_CHANGED_CHANNEL, HEARTBEATS_CHANGED_CHANNEL, NOTIFICATIONS_DUE_CHANNEL, WakeupListener } from './wakeup-listener.js';
import { logStateChange } from './state-changes.js';

/** A burst of queued alerts or tests is sent in one pass per this many ms. */
const NOTIFIER_MIN_GAP_MS = 100;
/** Heartbeats are evaluated at most once a second, however many pings arrive. */
const HEARTBEAT_MIN_GAP_MS = 1_000;
/** Safety net for a lost notification: heartbeats are evaluated at least this often. */
const HEARTBEAT_MAX_IDLE_MS = 60_000;

export interface StartWorkerOptions {
  handleSignals?: boolean;
  logger?: Logger;
}

export interface RunningWorker {
  scheduler: Scheduler;
  http: RunningHttpService;
  /** Stops the scheduler and cron tasks, lets in-flight rounds and deliveries finish, closes the pool. */
  stop(): Promise<void>;
}

/** Runs `job` unless its previous run is still going; errors are logged, never thrown into node-cron. */
function guarded(logger: Logger, name: string, job: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  return async () => {
    if (running) return;
    running = job().catch((error) => logger.error({ err: error, job: name }, 'job failed'));
    try {
      await running;
    } finally {
      running = undefined;
    }
  };
}

/**
 * Starts a worker replica: the scheduler (claim due checks, probe through the beacons, record), the
 * notifier (outbox deliveries) and heartbeat evaluation, each sleeping until its next known work or a
 * LISTEN wake-up; retention (hourly), the fold of finished days into the daily rollups (every 10 minutes), the
 * overdue-checks gauge (every minute), plus /healthz and /readyz on PORT. Any number of replicas may run against one database.
 */
export async function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const logger = options.logger ?? createLogger('worker', config.LOG_LEVEL);
  // In ECS nothing else runs migrations; the worker does, before it schedules anything.
  // DATABASE_IAM_AUTH=true: a fresh IAM token per new connection, so credentials never go stale.
  const passwordSource = databasePasswordSourceFromEnvironment(config.DATABASE_URL);
  if (config.MIGRATE_ON_START) await runMigrations(config.DATABASE_URL, logger, undefined, passwordSource);
  const pool = createPool({
    passwordSource,
    connectionString: config.DATABASE_URL,
    max: config.DB_POOL_SIZE,
    applicationName: `worker ${config.WORKER_ID}`,
    logger,
  });
  await pool.query(
    `INSERT INTO probe_regions (name) SELECT unnest($1::text[])
     ON CONFLICT (name) DO UPDATE SET last_seen_at = now()`,
    [config.BEACON_URLS.map((beacon) => beacon.region)],
  );

  const scheduler = new Scheduler({
    pool,
    logger,
    owner: config.WORKER_ID,
    beacons: config.BEACON_URLS,
    beaconToken: config.BEACON_TOKEN,
    batchSize: config.WORKER_BATCH_SIZE,
    maxInFlight: config.WORKER_MAX_IN_FLIGHT,
    leaseMarginSeconds: config.WORKER_LEASE_MARGIN_SECONDS,
    lookaheadMs: config.WORKER_LOOKAHEAD_MS,
    maxStartDelayMs: config.WORKER_MAX_START_DELAY_MS,
    idlePollMs: config.WORKER_IDLE_POLL_MS,
    publicUrl: config.PUBLIC_URL,
  });
  const email = config.SES_REGION
    ? EmailSender.ses(config.SES_REGION, config.EMAIL_FROM)
    : config.SMTP_URL
      ? EmailSender.smtp(config.SMTP_URL, config.EMAIL_FROM)
      : new UnconfiguredEmailSender();
  // Webhook URLs are user input: they get the same SSRF policy as probes.
  const webhookAgent = createGuardedAgent({ allowCidrs: config.WEBHOOK_ALLOW_CIDRS, connectTimeoutMs: 5_000 });
  // Provider API hosts come from the operator's config, not from users: a plain agent.
  const providerAgent = new Agent({ connect: { timeout: 5_000 } });
  const senders = createSenders({ userUrlDispatcher: webhookAgent, providerDispatcher: providerAgent, endpoints: providerEndpoints(config), email });
  const metric = config.CLOUDWATCH_NAMESPACE
    ? new OverdueMetricPublisher(config.CLOUDWATCH_NAMESPACE, config.ENVIRONMENT)
    : undefined;

  const deliverAll = async () => {
    await deliverDueNotifications({ pool, logger, senders, maxAttempts: config.NOTIFIER_MAX_ATTEMPTS });
    await deliverInvitationEmails({ pool, logger, mailer: email, maxAttempts: config.NOTIFIER_MAX_ATTEMPTS });
  };
  // Sleeps until the next retry is due or new work is announced (LISTEN), instead of polling.
  const notifier = new WakeableLoop({
    name: 'notifier',
    logger,
    run: async () => {
      await deliverAll();
      return nextNotificationDueAt(pool);
    },
    minGapMs: NOTIFIER_MIN_GAP_MS,
    maxIdleMs: config.NOTIFIER_POLL_MS,
  });
  const retention = guarded(logger, 'retention', async () => {
    const summary = await applyRetention(pool, config.RESULT_RETENTION_DAYS, config.ROLLUP_RETENTION_DAYS);
    const deletedPings = await deleteOldPings(pool, config.RESULT_RETENTION_DAYS);
    logger.info({ ...summary, deletedPings }, 'retention applied');
  });
  const foldDays = guarded(logger, 'fold-daily-rollups', async () => {
    const summary = await foldDailyRollups(pool);
    if (summary && summary.rows > 0) logger.info(summary, 'daily rollups folded');
  });
  // Heartbeat checks are probed by nobody: their pings (written by the frontend) decide up and down.
  // Evaluated at the next deadline or when pings arrive (LISTEN), at most once a second, so a late
  // heartbeat goes down within a second of its deadline and an installation without any costs nothing.
  const heartbeats = new WakeableLoop({
    name: 'heartbeats',
    logger,
    run: async () => {
      const changes = await evaluateHeartbeats(pool, config.PUBLIC_URL);
      for (const change of changes) logStateChange(logger, change);
      return nextHeartbeatEvaluationAt(pool);
    },
    minGapMs: HEARTBEAT_MIN_GAP_MS,
    maxIdleMs: HEARTBEAT_MAX_IDLE_MS,
  });
  const wakeups = new WakeupListener(pool, logger, {
    [CHECK_DUE_CHANGED_CHANNEL]: () => scheduler.wake(),
    [NOTIFICATIONS_DUE_CHANNEL]: () => notifier.wake(),
    [HEARTBEATS_CHANGED_CHANNEL]: () => heartbeats.wake(),
  });
  const heartbeatSamples = guarded(logger, 'heartbeat-samples', () => recordHeartbeatSamples(pool));
  const overdue = guarded(logger, 'overdue-metric', async () => {
    const count = await countOverdueChecks(pool);
    if (count > 0) logger.warn({ overdueChecks: count }, 'checks are overdue');
    await metric?.publish(count);
  });

  await retention();
  await foldDays();
  await wakeups.start();
  scheduler.start();
  notifier.start();
  heartbeats.start();
  const tasks: ScheduledTask[] = [
    cron.schedule('17 * * * *', retention, { name: 'retention', noOverlap: true }),
    // A day is folded 15 minutes after it ended, at the first run after that (one single-row read otherwise).
    cron.schedule('*/10 * * * *', foldDays, { name: 'fold-daily-rollups', noOverlap: true }),
    cron.schedule('0 * * * * *', overdue, { name: 'overdue-metric', noOverlap: true }),
    cron.schedule('30 * * * * *', heartbeatSamples, { name: 'heartbeat-samples', noOverlap: true }),
  ];

  let stopping: Promise<void> | undefined;
  const stopWork = () => {
    stopping ??= (async () => {
      await Promise.all(tasks.map((task) => task.destroy()));
      wakeups.stop();
      await Promise.all([scheduler.stop(), notifier.stop(), heartbeats.stop()]);
      // Alerts the last rounds queued go out before the pool closes.
      await deliverAll().catch((error) => logger.error({ err: error, job: 'notifier' }, 'job failed'));
      await Promise.all([webhookAgent.close(), providerAgent.close()]);
      await pool.end();
    })();
    return stopping;
  };

  const http = await startHttpService({
    name: 'worker',
    logger,
    port: config.PORT,
    routes: (app) => {
      app.get('/v1/status', (_req, res) => {
        res.json({
          worker: config.WORKER_ID,
          inFlightChecks: scheduler.inFlight,
          regions: config.BEACON_URLS.map((b) => b.region),
          ...scheduler.stats,
          notifierPasses: notifier.stats.runs,
          heartbeatPasses: heartbeats.stats.runs,
        });
      });
    },
    readiness: [{ name: 'database', check: () => pingDatabase(pool) }],
    stopTimeoutMs: config.STOP_TIMEOUT_MS,
    onStop: stopWork,
    handleSignals: options.handleSignals,
  });
  logger.info({ worker: config.WORKER_ID, beacons: config.BEACON_URLS.map((b) => b.region) }, 'worker started');
  return { scheduler, http, stop: () => http.stop() };
}
