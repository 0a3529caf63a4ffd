/** What every generator returns: a seeded, deterministic stream of events with its drift truth. */
import { z } from 'zod';
import type { DriftTruth, Params } from './drift-hooks.ts';
import { paramPaths } from './drift-hooks.ts';
import type { Issue } from '../errors.ts';
import { PipelabError } from '../errors.ts';

export interface EventStream<T> {
  /** registry name, e.g. 'transactions' */
  readonly name: string;
  /** the 32-bit seed the stream was built from */
  readonly seed: number;
  /** ground truth for a drift lab: every drift with its onset and width */
  readonly drifts: readonly DriftTruth[];
  /** events produced so far */
  readonly count: number;
  next(): T;
  take(n: number): T[];
}

/** a seed given as a number or a string (CLI) */
export const SeedSchema = z.union([z.number().int().nonnegative(), z.string().min(1)]);

/** deep-merge user overrides into default params, rejecting unknown paths and wrong types */
export function mergeParams<P extends Params>(base: P, overrides: unknown, prefix = '/params'): P {
  if (overrides === undefined) return base;
  const known = new Map(paramPaths(base).map((p) => [p.path, p.kind]));
  const issues: Issue[] = [];
  const out = structuredClone(base);
  const walk = (node: unknown, path: string[]): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      issues.push({ path: `${prefix}/${path.join('/')}`, message: 'expected an object' });
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      const p = [...path, k];
      const key = p.join('.');
      const where = `${prefix}/${p.join('/')}`;
      const kind = known.get(key);
      if (kind === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v))
          issues.push({ path: where, message: 'expected a finite number' });
        else {
          let n: Params = out;
          for (const seg of path) n = n[seg] as Params;
          n[k] = v;
        }
      } else if (kind === 'map' || [...known.keys()].some((kp) => kp.startsWith(`${key}.`))) walk(v, p);
      else
        issues.push({
          path: where,
          message: `unknown parameter; known: ${[...known.keys()].filter((x) => known.get(x) === 'number').join(', ')}`,
        });
    }
  };
  walk(overrides, []);
  if (issues.length)
    throw new PipelabError('INVALID_ARGUMENT', 'invalid generator params', {
      issues,
      hint: "see docs/generators.md for each generator's params",
    });
  return out;
}

/** the arrival process's rate stays 0 for ever (a ramp down to 0): the stream has no next event */
export function arrivalsEnded(produced: number): PipelabError {
  return new PipelabError(
    'INVALID_ARGUMENT',
    `the arrival process ended after ${produced} events (its rate stays 0 from then on)`,
    {
      hint: 'ramp to a rate above 0, or ask for fewer events',
    },
  );
}
