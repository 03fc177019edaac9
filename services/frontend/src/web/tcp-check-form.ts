import { z } from 'zod';
import type { Check } from '../data/checks.js';
import { checkbox, text } from './forms.js';

/** The check form's fields that only an HTTP check has (omitted from the TCP form). */
export const HTTP_ONLY_FORM_FIELDS = {
  url: true,
  method: true,
  headers: true,
  body: true,
  expectedStatusCodes: true,
  keyword: true,
  keywordMode: true,
} as const;

/** What the TCP form has instead. */
export const tcpFormFields = {
  kind: z.literal('tcp'),
  host: text(),
  port: text(),
  tls: checkbox(),
};

type TcpFormValues = { host: string; port: string; tls: boolean };

export function defaultTcpFormValues(): TcpFormValues {
  return { host: '', port: '', tls: false };
}

export function tcpFormValuesOf(check: Check): TcpFormValues {
  return { host: check.host ?? '', port: check.port === null ? '' : String(check.port), tls: check.tls ?? false };
}
