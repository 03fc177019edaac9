/** Response schemas of the heartbeat-check routes, registered as named components of the OpenAPI document. */
import { z } from 'zod';
import { CHECK_STATES } from '../data/checks.js';
import { HeartbeatInput, HeartbeatPatch, type HeartbeatCheck, type PingRecord } from '../data/heartbeats.js';
import { apiSchemas } from './schemas.js';

const timestamp = z.string().describe('ISO 8601 timestamp');

export const HeartbeatCheckSchema = z.object({
  id: z.uuid(),
  kind: z.literal('heartbeat'),
  name: z.string(),
  periodSeconds: z.number().int().nullable().describe('Seconds between expected pings; null with a cron schedule.'),
  graceSeconds: z.number().int(),
  cron: z.string().nullable(),
  timezone: z.string().nullable(),
  pingKey: z.uuid().describe('The secret of the ping URLs; anyone who knows it can ping the check.'),
  pingPath: z.string().describe('/ping/<pingKey> on this site; add /start before a job runs and /fail when it failed.'),
  paused: z.boolean(),
  isPublic: z.boolean(),
  channelIds: z.array(z.uuid()),
  state: z.enum(CHECK_STATES),
  stateChangedAt: timestamp.nullable(),
  lastPingAt: timestamp.nullable(),
  lastSuccessAt: timestamp.nullable(),
  lastFailAt: timestamp.nullable(),
  runningSince: timestamp.nullable().describe('Set while a job that sent /start has not finished.'),
  lastDurationMs: z.number().int().nullable().describe('Run time of the last job, from /start to its success or fail ping.'),
  lateAt: timestamp.describe('When the check is down unless a ping comes (grace included).'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const PingSchema = z.object({
  id: z.uuid(),
  receivedAt: timestamp,
  kind: z.enum(['success', 'start', 'fail']),
  method: z.string(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  body: z.string().nullable().describe('The first 10 KB of the request body.'),
  bodyTruncated: z.boolean(),
  durationMs: z.number().int().nullable(),
});
export const PingListSchema = z.object({ pings: z.array(PingSchema) });

export const PingsQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a single whole number between 1 and 1000' })
    .int({ error: 'must be a single whole number between 1 and 1000' })
    .min(1, 'must be a single whole number between 1 and 1000')
    .max(1000, 'must be a single whole number between 1 and 1000')
    .default(50)
    .describe('How many pings, newest first.'),
});

// The response types must stay those of the data layer.
const sameShape = <T>(_schema: z.ZodType<T>) => undefined;
sameShape<HeartbeatCheck>(HeartbeatCheckSchema);
sameShape<PingRecord>(PingSchema);

apiSchemas.add(HeartbeatInput, { id: 'HeartbeatInput' });
apiSchemas.add(HeartbeatPatch, { id: 'HeartbeatPatch' });
apiSchemas.add(HeartbeatCheckSchema, { id: 'HeartbeatCheck' });
apiSchemas.add(PingListSchema, { id: 'PingList' });
