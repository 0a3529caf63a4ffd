/**
 * Samplers for the spec's distributions: uniform, normal, lognormal, exponential, const; with
 * bounds (clamped, or drawn again up to 64 times and then clamped) and rounding to decimals.
 */
import type { Rng } from '../rng.ts';
import type { Distribution, NumberField } from './types.ts';

export type Sampler = () => number;

function raw(d: Distribution, r: Rng): Sampler {
  switch (d.type) {
    case 'const': {
      const v = d.value;
      return () => v;
    }
    case 'uniform': {
      const lo = d.min,
        span = d.max - d.min;
      return () => lo + span * r.next();
    }
    case 'normal': {
      const { mean, sd } = d;
      return () => r.normal(mean, sd);
    }
    case 'lognormal': {
      const { mu, sigma } = d;
      return () => Math.exp(r.normal(mu, sigma));
    }
    case 'exponential': {
      const rate = 1 / d.mean;
      return () => r.exponential(rate);
    }
  }
}

const RESAMPLE_TRIES = 64;

/** a sampler for a validated distribution or number field */
export function sampler(d: Distribution | NumberField, r: Rng): Sampler {
  const draw = raw(d, r);
  const lo = d.type === 'uniform' ? undefined : d.min;
  const hi = d.type === 'uniform' ? undefined : d.max;
  const round = 'round' in d ? d.round : undefined;
  let bounded: Sampler = draw;
  if (lo !== undefined || hi !== undefined) {
    const min = lo ?? -Infinity,
      max = hi ?? Infinity;
    const clamp = (x: number) => Math.min(max, Math.max(min, x));
    if ('bounds' in d && d.bounds === 'resample')
      bounded = () => {
        let x = draw();
        for (let i = 1; i < RESAMPLE_TRIES && (x < min || x > max); i++) x = draw();
        return clamp(x);
      };
    else bounded = () => clamp(draw());
  }
  if (round === undefined) return bounded;
  if (round === 0) return () => Math.round(bounded());
  const p = 10 ** round;
  return () => Math.round(bounded() * p) / p;
}
