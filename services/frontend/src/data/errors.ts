import type { z } from 'zod';

/** Field name (dotted path, camelCase) -> what is wrong with it. */
export type FieldErrors = Record<string, string>;

/**
 * Input that failed validation, with one message per field so a form or an API client can point at it.
 * Thrown for rules that need the stored row (a patch that makes timeoutMs exceed intervalSeconds) or the
 * database (a channel id of another account); plain shape errors come from zod's safeParse.
 */
export class FieldValidationError extends Error {
  override name = 'FieldValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`validation failed: ${Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; ')}`);
  }
}

/** The account already has as many checks as its limit allows. */
export class CheckLimitError extends Error {
  override name = 'CheckLimitError';
  constructor(readonly limit: number) {
    super(`check limit reached: this account may have at most ${limit} checks; delete one or ask for a higher limit`);
  }
}

/** Turns a zod error into one message per field; unknown keys are reported under their own names. */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'unknown field';
      continue;
    }
    const field = issue.path.map(String).join('.') || '(body)';
    fields[field] ??= issue.message;
  }
  return fields;
}
