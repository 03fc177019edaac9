import type { Request } from 'express';
import { z } from 'zod';
import { NUL_MESSAGE, nulCharacterPaths } from '../data/validate-input.js';
import { HttpError } from './http-errors.js';

export type FieldErrors = Record<string, string>;

/**
 * A text field as a form sends it: one string (a repeated field is a malformed request, not a value). Without
 * `max` its length is left to the value's own schema, so a long value is shown beside its field; with `max`
 * (hidden fields, selects, passwords) a longer one is a malformed request.
 */
export const text = (max?: number) => (max === undefined ? z.string() : z.string().max(max, `is longer than ${max} characters`));
/** A checkbox: present ("on" or any value) or absent. */
export const checkbox = () =>
  z
    .string()
    .max(10)
    .optional()
    .transform((value) => value !== undefined);
/** A group of checkboxes with the same name: absent, one value or several. */
export const checkboxGroup = () =>
  z
    .union([z.string().max(100), z.array(z.string().max(100)).max(100)])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/**
 * Checks the shape of a submitted form (only known fields, each a string, no NUL character, which Postgres
 * cannot store) and throws a 400 that names the field otherwise. Values are validated later, so their errors
 * can be shown beside the field.
 */
export function parseForm<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const body = req.body;
  if (!body || typeof body !== 'object' || !req.is('application/x-www-form-urlencoded')) {
    throw new HttpError(400, 'Expected a submitted form (application/x-www-form-urlencoded).');
  }
  const [withNul] = nulCharacterPaths(body);
  if (withNul !== undefined) throw new HttpError(400, `Form field "${withNul.split('.')[0]}" ${NUL_MESSAGE}.`);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new HttpError(400, `Unknown form field: ${issue.keys.join(', ')}.`);
  const field = issue?.path.join('.') || 'form';
  throw new HttpError(400, `Form field "${field}" ${issue?.code === 'invalid_type' ? 'has the wrong type' : issue?.message ?? 'is invalid'}.`);
}

/** zod issues keyed by their first path element, first message wins. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return errors;
}
