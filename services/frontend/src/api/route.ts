import type { z } from 'zod';
import type { ApiReply, ApiRoute } from './routes.js';

/** Types a route table entry: its handler sees the parsed body and query of its own schemas. */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  definition: ApiRoute<B, Q>,
): ApiRoute {
  return definition as unknown as ApiRoute;
}

/**
 * The reply of a handler that looked something up in the account: `null` (the route's 404 naming what was not
 * found) or its body, by default the value itself.
 */
export function found<T>(value: T | null, toBody: (value: T) => unknown = (same) => same): ApiReply {
  return value === null ? null : { body: toBody(value) };
}
