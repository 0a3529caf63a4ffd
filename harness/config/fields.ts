/**
 * Building blocks for the scenario schemas (zod 4). Messages are written for people editing a
 * scenario file: they say what was expected, and strict objects list the allowed fields.
 */
import { z } from 'zod';
import { tryParseDuration } from '../../results/duration.ts';

const got = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v}"` : typeof v;

export const positiveNumber = () =>
  z
    .number({ error: (i) => `expected a positive number, got ${got(i.input)}` })
    .positive({ error: 'expected a positive number' });
export const nonNegativeNumber = () =>
  z
    .number({ error: (i) => `expected a number ≥ 0, got ${got(i.input)}` })
    .nonnegative({ error: 'expected a number ≥ 0' });
export const positiveInt = () =>
  z
    .number({ error: (i) => `expected a positive integer, got ${got(i.input)}` })
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' });
export const nonNegativeInt = () =>
  z
    .number({ error: (i) => `expected an integer ≥ 0, got ${got(i.input)}` })
    .int({ error: 'expected an integer ≥ 0' })
    .nonnegative({ error: 'expected an integer ≥ 0' });
export const probability = () =>
  z
    .number({ error: (i) => `expected a number between 0 and 1, got ${got(i.input)}` })
    .min(0, { error: 'expected a number between 0 and 1' })
    .max(1, { error: 'expected a number between 0 and 1' });

/** k6 duration string: '30s', '2m', '1h30m', '500ms' */
export const duration = () =>
  z
    .string({ error: (i) => `expected a duration like "30s", "2m", "1h30m" or "500ms", got ${got(i.input)}` })
    .refine((s) => tryParseDuration(s) !== undefined, {
      abort: true,
      error: (i) => `expected a duration like "30s", "2m", "1h30m" or "500ms", got ${got(i.input)}`,
    });
/** a duration that must be > 0 */
export const positiveDuration = () =>
  duration().refine((s) => (tryParseDuration(s) ?? 0) > 0, { error: 'expected a duration greater than zero' });

export const tags = () =>
  z.record(z.string(), z.string({ error: (i) => `tag values must be strings, got ${got(i.input)}` }), {
    error: (i) => `expected an object of string tags, got ${got(i.input)}`,
  });

export const nonEmptyString = () =>
  z
    .string({ error: (i) => `expected a string, got ${got(i.input)}` })
    .min(1, { error: 'must not be empty', abort: true });

/** strict object whose unknown-field error lists the allowed fields */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (i) => {
      if (i.code === 'unrecognized_keys') {
        const names = i.keys.map((k) => `"${k}"`).join(', ');
        return `unknown field${i.keys.length > 1 ? 's' : ''} ${names} (allowed: ${allowed})`;
      }
      if (i.code === 'invalid_type') return `expected an object, got ${got(i.input)}`;
      return undefined;
    },
  });
}

export const enumOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (i) => `expected one of ${values.map((v) => `"${v}"`).join(', ')}, got ${got(i.input)}` });
