import { HTTP_METHODS } from '@pingdummy/shared';
import { z } from 'zod';
import type { Check, CheckInput } from '../data/checks.js';
import { checkbox, checkboxGroup, text, type FieldErrors } from './forms.js';
import { defaultTcpFormValues, HTTP_ONLY_FORM_FIELDS, tcpFormFields, tcpFormValuesOf } from './tcp-check-form.js';

/**
 * The check form as submitted: only known fields, each a string (checkbox groups: strings). Typed fields have
 * no length limit here: the data layer's limits are shown beside the field (the 64 kB body limit still applies).
 */
const HttpCheckForm = z.strictObject({
  _csrf: text(200).optional(),
  kind: z.literal('http').optional(),
  name: text(),
  url: text(),
  method: text(20),
  headers: text(),
  body: text(),
  intervalSeconds: text(),
  timeoutMs: text(),
  expectedStatusCodes: text(),
  keyword: text(),
  keywordMode: text(20),
  degradedThresholdMs: text(),
  failuresBeforeDown: text(),
  recoveriesBeforeUp: text(),
  regions: checkboxGroup(),
  channelIds: checkboxGroup(),
  paused: checkbox(),
  isPublic: checkbox(),
  showUrlPublicly: checkbox(),
});
/** The TCP check's form: the shared fields, host, port and tls (views/partials/check-form-tcp.eta). */
const TcpCheckForm = HttpCheckForm.omit({ ...HTTP_ONLY_FORM_FIELDS, kind: true }).extend(tcpFormFields);
/** The form of either kind; the kind is a hidden field (fixed once a check exists). */
export const CheckForm = z.discriminatedUnion('kind', [HttpCheckForm, TcpCheckForm]);
export type CheckForm = z.output<typeof CheckForm>;

/** What the form shows: strings as typed, so a rejected form comes back exactly as it was sent. */
export interface CheckFormValues {
  kind: 'http' | 'tcp';
  name: string;
  url: string;
  method: string;
  headers: string;
  body: string;
  intervalSeconds: string;
  timeoutMs: string;
  expectedStatusCodes: string;
  keyword: string;
  keywordMode: string;
  degradedThresholdMs: string;
  failuresBeforeDown: string;
  recoveriesBeforeUp: string;
  regions: string[];
  channelIds: string[];
  paused: boolean;
  isPublic: boolean;
  showUrlPublicly: boolean;
  host: string;
  port: string;
  tls: boolean;
}

export const METHODS = HTTP_METHODS;

/** A new check's form, with the database's defaults. */
export function defaultCheckFormValues(kind: CheckFormValues['kind'] = 'http'): CheckFormValues {
  return {
    kind,
    name: '',
    url: 'https://',
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
    regions: [],
    channelIds: [],
    paused: false,
    isPublic: false,
    showUrlPublicly: false,
    ...defaultTcpFormValues(),
  };
}

export function checkToFormValues(check: Check): CheckFormValues {
  return {
    kind: check.kind === 'tcp' ? 'tcp' : 'http',
    name: check.name,
    url: check.url,
    method: check.method,
    headers: Object.entries(check.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    body: check.body ?? '',
    intervalSeconds: String(check.intervalSeconds),
    timeoutMs: String(check.timeoutMs),
    expectedStatusCodes: check.expectedStatusCodes,
    keyword: check.keyword ?? '',
    keywordMode: check.keywordMode ?? '',
    degradedThresholdMs: check.degradedThresholdMs === null ? '' : String(check.degradedThresholdMs),
    failuresBeforeDown: String(check.failuresBeforeDown),
    recoveriesBeforeUp: String(check.recoveriesBeforeUp),
    regions: check.regions,
    channelIds: check.channelIds,
    paused: check.paused,
    isPublic: check.isPublic,
    showUrlPublicly: check.showUrlPublicly,
    ...tcpFormValuesOf(check),
  };
}

export function formToValues(form: CheckForm): CheckFormValues {
  const { _csrf: _ignored, ...values } = form;
  // Fields the submitted kind has no use for keep their defaults, so the form can be shown again as sent.
  return { ...defaultCheckFormValues(), ...values, kind: values.kind ?? 'http' };
}

/**
 * Turns the form's strings into the data layer's CheckInput. Text that cannot be a number or a header list
 * is reported here (with the field's name); everything else is validated by the data layer's schema.
 */
export function formToCheckInput(values: CheckFormValues): { input: CheckInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const integer = (field: keyof CheckFormValues, raw: string, optional = false): number | null => {
    const trimmed = raw.trim();
    if (trimmed === '') {
      if (!optional) errors[field] = 'is required';
      return null;
    }
    if (!/^-?\d{1,9}$/.test(trimmed)) {
      errors[field] = 'must be a whole number';
      return null;
    }
    return Number(trimmed);
  };
  const headers: Record<string, string> = {};
  values.headers.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.headers ??= `line ${index + 1} is not "Name: value"`;
      return;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  // Fields every kind has.
  const shared = {
    name: values.name,
    intervalSeconds: integer('intervalSeconds', values.intervalSeconds),
    timeoutMs: integer('timeoutMs', values.timeoutMs),
    degradedThresholdMs: integer('degradedThresholdMs', values.degradedThresholdMs, true),
    failuresBeforeDown: integer('failuresBeforeDown', values.failuresBeforeDown),
    recoveriesBeforeUp: integer('recoveriesBeforeUp', values.recoveriesBeforeUp),
    regions: values.regions,
    channelIds: values.channelIds,
    paused: values.paused,
    isPublic: values.isPublic,
    showUrlPublicly: values.showUrlPublicly,
  };
  const input =
    values.kind === 'tcp'
      ? { kind: 'tcp', ...shared, host: values.host, port: integer('port', values.port), tls: values.tls }
      : {
          kind: 'http',
          ...shared,
          url: values.url.trim(),
          method: values.method,
          headers,
          body: values.body === '' ? null : values.body,
          expectedStatusCodes: values.expectedStatusCodes.trim(),
          keyword: values.keyword === '' ? null : values.keyword,
          keywordMode: values.keywordMode === '' ? null : values.keywordMode,
        };
  // Numbers that failed to parse were reported above; the data layer sees them as absent, never as NaN.
  return { input: input as unknown as CheckInput, errors };
}

/** The data layer reports nested paths ("headers.X Y"); the form shows them beside the top-level field. */
export function topLevelErrors(fields: FieldErrors): FieldErrors {
  const errors = new Map<string, string>();
  for (const [path, message] of Object.entries(fields)) {
    const [field = 'form', ...rest] = path.split('.');
    if (!errors.has(field)) errors.set(field, rest.length > 0 ? `${rest.join('.')}: ${message}` : message);
  }
  return Object.fromEntries(errors);
}
