/**
 * Boundary validation for generator configs: one zod schema per shape, every problem reported
 * with its path (`/arrivals/rate`). Inner code trusts the parsed types.
 * (PipelabError lives in the root errors.ts, the one leaf module every layer may import, so user
 * mistakes here surface with the CLI's codes.)
 */
import type { z } from 'zod';
import { PipelabError, type Issue } from '../errors.ts';

export function zodIssues(err: z.ZodError, prefix = ''): Issue[] {
  return err.issues.map((i) => ({
    path: prefix + (i.path.length ? `/${i.path.map(String).join('/')}` : ''),
    message: i.message,
  }));
}

/** parse `input` with `schema`, or throw INVALID_ARGUMENT listing every issue with its path */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new PipelabError('INVALID_ARGUMENT', `invalid ${what}`, {
    issues: zodIssues(r.error, prefix),
    hint: `fix the fields listed above (see docs/generators.md for ${what})`,
  });
}
