import type { z } from 'zod';
import type { ApiRoute } from './routes.js';

/** Types a route table entry: its handler sees the parsed body and query of its own schemas. */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  definition: ApiRoute<B, Q>,
): ApiRoute {
  return definition as unknown as ApiRoute;
}
