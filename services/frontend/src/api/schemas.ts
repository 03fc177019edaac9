/**
 * Zod schemas of the REST API. Request bodies are the data layer's own validators (CheckInput, CheckPatch),
 * so the OpenAPI document cannot drift from what the server accepts; responses are described here and
 * tied to the data layer's TypeScript types at compile time.
 */
import { HTTP_METHODS } from '@pingdummy/shared';
import { z } from 'zod';
import { CHECK_STATES, CheckInput, CheckPatch, KEYWORD_MODES, type Check } from '../data/checks.js';
import type { Incident } from '../data/incidents.js';
import type { ProbeResultRow } from '../data/results.js';
import type { CheckSummary } from '../data/summaries.js';
import { MAX_INCIDENTS_LIMIT } from '../data/incidents.js';
import { MAX_RESULTS_LIMIT } from '../data/results.js';

const timestamp = z.string().describe('ISO 8601 timestamp');

export const CheckSchema = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  name: z.string(),
  kind: z.enum(['http', 'tcp', 'heartbeat']),
  url: z.string().describe('HTTP checks: the URL; TCP checks: tcp://host:port or tls://host:port.'),
  host: z.string().nullable().describe('TCP checks: the host; null for other kinds.'),
  port: z.number().int().nullable().describe('TCP checks: the port; null for other kinds.'),
  tls: z.boolean().nullable().describe('TCP checks: whether TLS is handshaken; null for other kinds.'),
  method: z.enum(HTTP_METHODS),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  intervalSeconds: z.number().int(),
  timeoutMs: z.number().int(),
  expectedStatusCodes: z.string(),
  keyword: z.string().nullable(),
  keywordMode: z.enum(KEYWORD_MODES).nullable(),
  degradedThresholdMs: z.number().int().nullable(),
  failuresBeforeDown: z.number().int(),
  recoveriesBeforeUp: z.number().int(),
  regions: z.array(z.string()),
  paused: z.boolean(),
  isPublic: z.boolean(),
  showUrlPublicly: z.boolean(),
  channelIds: z.array(z.uuid()),
  state: z.enum(CHECK_STATES),
  lastProbedAt: timestamp.nullable(),
  lastLatencyMs: z.number().int().nullable(),
  stateChangedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const CheckListSchema = z.object({ checks: z.array(CheckSchema) });

export const CheckWarningSchema = z.object({
  field: z.enum(['url', 'host']).describe('The field the warning is about: url, or host for a TCP check.'),
  message: z.string().describe('What will go wrong and how to fix it, e.g. an address the beacons refuse.'),
});
/** A created or changed check, with what was noticed while saving it (the save happened either way). */
export const SavedCheckSchema = CheckSchema.extend({
  warnings: z
    .array(CheckWarningSchema)
    .describe('Problems that do not stop the save, e.g. a URL whose address this installation\'s beacons refuse.'),
});

export const ProbeResultSchema = z.object({
  scheduledAt: timestamp,
  region: z.string(),
  outcome: z.enum(['up', 'down', 'degraded', 'infra_error']),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  phases: z.object({
    dnsMs: z.number().int().nullable(),
    connectMs: z.number().int().nullable(),
    tlsMs: z.number().int().nullable(),
    ttfbMs: z.number().int().nullable(),
  }),
  errorClass: z.string().nullable(),
  errorMessage: z.string().nullable(),
  tlsExpiresAt: timestamp.nullable(),
});
export const ResultListSchema = z.object({ results: z.array(ProbeResultSchema) });

export const IncidentSchema = z.object({
  id: z.uuid(),
  checkId: z.uuid(),
  checkName: z.string(),
  startedAt: timestamp,
  resolvedAt: timestamp.nullable(),
  durationSeconds: z.number().int(),
  cause: z.string(),
});
export const IncidentListSchema = z.object({ incidents: z.array(IncidentSchema) });

const ratio = z.number().min(0).max(1).nullable();
export const CheckSummarySchema = z.object({
  uptime24h: ratio,
  uptime7d: ratio,
  uptime30d: ratio,
  p50Ms24h: z.number().nullable(),
  p95Ms24h: z.number().nullable(),
  lastProbedAt: timestamp.nullable(),
});
export const CheckUptimeSchema = z.object({ checkId: z.uuid(), ...CheckSummarySchema.shape });
export const UptimeListSchema = z.object({ checks: z.array(CheckUptimeSchema) });

export const BadgeInput = z.strictObject({
  enabled: z.boolean().describe('true: the check gets a public SVG badge (a new random address unless it has one); false: the badge is turned off and its address forgotten.'),
});
export const BadgeSettingSchema = z.object({
  enabled: z.boolean(),
  path: z
    .string()
    .nullable()
    .describe('Address of the badge on this server, e.g. /badge/<token>.svg (state and 30-day uptime; cacheable 60 s, ETag); null while off.'),
});

export const ErrorSchema = z.object({
  error: z.string().describe('What went wrong, e.g. "validation failed".'),
  fields: z
    .record(z.string(), z.string())
    .optional()
    .describe('Validation errors: one sentence per field (dotted path), starting with its name, e.g. "name is required".'),
});

/**
 * A count in the query string: text coerced to a whole number within bounds. Any problem (not a number, a
 * fraction, out of range, the parameter given twice) gets the one message that says what is expected.
 */
function countParameter(max: number, fallback: number) {
  const message = `must be a single whole number between 1 and ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(1, message).max(max, message).default(fallback);
}

/** Query strings arrive as text; these coerce and bound them. */
export const ResultsQuery = z.object({
  limit: countParameter(MAX_RESULTS_LIMIT, 100).describe('How many results, newest first.'),
});
export const IncidentsQuery = z.object({
  checkId: z.uuid('must be a single uuid').optional().describe('Only incidents of this check.'),
  limit: countParameter(MAX_INCIDENTS_LIMIT, 50).describe('How many incidents, newest first.'),
});

/** Named schemas of the OpenAPI document (components.schemas). */
export const apiSchemas = z.registry<{ id: string }>();
apiSchemas.add(CheckInput, { id: 'CheckInput' });
apiSchemas.add(CheckPatch, { id: 'CheckPatch' });
apiSchemas.add(CheckSchema, { id: 'Check' });
apiSchemas.add(CheckListSchema, { id: 'CheckList' });
apiSchemas.add(CheckWarningSchema, { id: 'CheckWarning' });
apiSchemas.add(SavedCheckSchema, { id: 'SavedCheck' });
apiSchemas.add(ProbeResultSchema, { id: 'ProbeResult' });
apiSchemas.add(ResultListSchema, { id: 'ResultList' });
apiSchemas.add(IncidentSchema, { id: 'Incident' });
apiSchemas.add(IncidentListSchema, { id: 'IncidentList' });
apiSchemas.add(CheckUptimeSchema, { id: 'CheckUptime' });
apiSchemas.add(UptimeListSchema, { id: 'UptimeList' });
apiSchemas.add(BadgeInput, { id: 'BadgeInput' });
apiSchemas.add(BadgeSettingSchema, { id: 'BadgeSetting' });
apiSchemas.add(ErrorSchema, { id: 'Error' });

// Compile-time proof that the documented responses are exactly what the data layer returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const responsesMatchDataLayer: [
  Same<z.infer<typeof CheckSchema>, Check>,
  Same<z.infer<typeof ProbeResultSchema>, ProbeResultRow>,
  Same<z.infer<typeof IncidentSchema>, Incident>,
  Same<z.infer<typeof CheckSummarySchema>, CheckSummary>,
] = [true, true, true, true];
void responsesMatchDataLayer;
