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

/**
 * Turns a zod error into one message per field (the first one wins); unknown keys are reported under their own
 * names. Built through a Map, so a client's "__proto__" key is reported like any other instead of vanishing.
 */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const fields = new Map<string, string>();
  const add = (field: string, message: string) => {
    if (!fields.has(field)) fields.set(field, message);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key].join('.'), 'is not a known field');
      continue;
    }
    add(issue.path.map(String).join('.') || '(body)', issue.message);
  }
  return Object.fromEntries(fields);
}

/** The API's form of field errors: each message a sentence that starts with the field's name ("name is required"). */
export function fieldSentences(fields: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [field, `${field} ${message}`]));
}
