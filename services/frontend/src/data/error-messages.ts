import type { z } from 'zod';

/** How a person would name what a field must be, by zod's type names. */
const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/**
 * zod's messages for client input, written as the end of a sentence that starts with the field's name:
 * forms show them beside the field ("is required"), the API prefixes the name ("name is required").
 * A message written on a schema (`.min(1, 'is required')`) takes precedence over this map.
 */
export const inputErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_big': {
      const limit = issue.inclusive === false ? 'less than' : 'at most';
      if (issue.origin === 'string') return `must be ${limit} ${issue.maximum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${limit} ${issue.maximum} items`;
      return `must be ${limit} ${issue.maximum}`;
    }
    case 'too_small': {
      const limit = issue.inclusive === false ? 'more than' : 'at least';
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be ${limit} ${issue.minimum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${limit} ${issue.minimum} items`;
      return `must be ${limit} ${issue.minimum}`;
    }
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a URL';
      if (issue.format === 'email') return 'must be an email address';
      if (issue.format === 'uuid') return 'must be a uuid';
      if (issue.format === 'regex') return 'has an invalid format';
      return `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_key':
      // A record's key (a header name): its own rule says what is wrong.
      return issue.issues[0]?.message ?? 'is not a valid name';
    case 'invalid_element':
      return issue.issues[0]?.message ?? 'has an invalid item';
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'has the wrong type';
    default:
      return 'is invalid';
  }
};
