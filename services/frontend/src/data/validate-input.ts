import type { z } from 'zod';
import { inputErrorMap } from './error-messages.js';
import { FieldValidationError, fieldErrorsFromZod, type FieldErrors } from './errors.js';

export const NUL_MESSAGE = 'must not contain NUL characters (U+0000)';

/**
 * Dotted paths of every string in `value` (object keys included) that holds U+0000. Postgres text and jsonb
 * cannot store that character, so it is refused up front, for every field at once, instead of failing the
 * INSERT with a 500.
 */
export function nulCharacterPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.')] : [];
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) =>
    key.includes('\u0000') ? [[...path, key].join('.')] : nulCharacterPaths(item, [...path, key]),
  );
}

export type ValidatedInput<T> = { success: true; data: T } | { success: false; errors: FieldErrors };

/**
 * Validates client input with `schema` and reports one readable message per field (see inputErrorMap):
 * the only way the API and the data layer parse what a client sent.
 */
export function validateInput<S extends z.ZodType>(schema: S, input: unknown): ValidatedInput<z.output<S>> {
  const withNul = nulCharacterPaths(input);
  const parsed = schema.safeParse(input, { error: inputErrorMap });
  if (withNul.length === 0 && parsed.success) return { success: true, data: parsed.data };
  // A Map, not an object literal: a client's key may be "__proto__".
  const errors = new Map(withNul.map((path) => [path, NUL_MESSAGE]));
  if (!parsed.success) {
    for (const [field, message] of Object.entries(fieldErrorsFromZod(parsed.error))) if (!errors.has(field)) errors.set(field, message);
  }
  return { success: false, errors: Object.fromEntries(errors) };
}

/** validateInput for the data layer: the parsed value, or a FieldValidationError with one message per field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const validated = validateInput(schema, input);
  if (!validated.success) throw new FieldValidationError(validated.errors);
  return validated.data;
}
