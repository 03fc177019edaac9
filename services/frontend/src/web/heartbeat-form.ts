import { z } from 'zod';
import { HEARTBEAT_DEFAULTS, type HeartbeatCheck, type HeartbeatPatch } from '../data/heartbeats.js';
import { checkbox, checkboxGroup, text, type FieldErrors } from './forms.js';

/** The heartbeat-check form as submitted: only known fields, each a string (checkbox groups: strings). */
export const HeartbeatForm = z.strictObject({
  _csrf: text(200).optional(),
  name: text(),
  schedule: z.enum(['period', 'cron'], 'must be "period" or "cron"'),
  periodSeconds: text(),
  cron: text(),
  timezone: text(),
  graceSeconds: text(),
  channelIds: checkboxGroup(),
  paused: checkbox(),
  isPublic: checkbox(),
});

/** What the form shows: strings as typed, so a rejected form comes back exactly as it was sent. */
export type HeartbeatFormValues = Omit<z.output<typeof HeartbeatForm>, '_csrf'>;

export function defaultHeartbeatFormValues(): HeartbeatFormValues {
  return {
    name: '',
    schedule: 'period',
    periodSeconds: String(HEARTBEAT_DEFAULTS.periodSeconds),
    cron: '0 2 * * *',
    timezone: HEARTBEAT_DEFAULTS.timezone,
    graceSeconds: String(HEARTBEAT_DEFAULTS.graceSeconds),
    channelIds: [],
    paused: false,
    isPublic: false,
  };
}

export function heartbeatToFormValues(check: HeartbeatCheck): HeartbeatFormValues {
  const defaults = defaultHeartbeatFormValues();
  return {
    name: check.name,
    schedule: check.cron === null ? 'period' : 'cron',
    periodSeconds: check.periodSeconds === null ? defaults.periodSeconds : String(check.periodSeconds),
    cron: check.cron ?? defaults.cron,
    timezone: check.timezone ?? defaults.timezone,
    graceSeconds: String(check.graceSeconds),
    channelIds: check.channelIds,
    paused: check.paused,
    isPublic: check.isPublic,
  };
}

/**
 * Turns the form's strings into a complete heartbeat patch (also used to create): the chosen schedule only,
 * so the other one is cleared. Text that cannot be a number is reported here; the rest by the data layer.
 */
export function formToHeartbeatInput(values: HeartbeatFormValues): { input: HeartbeatPatch & { name: string }; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const integer = (field: 'periodSeconds' | 'graceSeconds'): number | undefined => {
    const trimmed = values[field].trim();
    if (!/^\d{1,9}$/.test(trimmed)) {
      errors[field] = trimmed === '' ? 'is required' : 'must be a whole number';
      return undefined;
    }
    return Number(trimmed);
  };
  const schedule =
    values.schedule === 'period' ? { periodSeconds: integer('periodSeconds') } : { cron: values.cron, timezone: values.timezone.trim() || HEARTBEAT_DEFAULTS.timezone };
  return {
    input: {
      name: values.name,
      ...schedule,
      graceSeconds: integer('graceSeconds'),
      channelIds: values.channelIds,
      paused: values.paused,
      isPublic: values.isPublic,
    },
    errors,
  };
}
