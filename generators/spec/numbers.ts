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

/** JavaScript drawing once from the distribution, over the names `generated` binds */
function rawCode(d: Distribution): string {
  switch (d.type) {
    case 'const':
      return 'v';
    case 'uniform':
      return 'lo + span * r.next()';
    case 'normal':
      return 'r.normal(mean, sd)';
    case 'lognormal':
      return 'Math.exp(r.normal(mu, sigma))';
    case 'exponential':
      return 'r.exponential(rate)';
  }
}

/**
 * A sampler drawing, clamping and rounding in one generated function, so that V8 inlines the
 * whole of it (and the Rng's draw) into its caller with no number boxed between the steps, as
 * closures shared by every field would not be. Clamps drop a bound that is absent: min(∞, y) is
 * y and max(−∞, x) is x for every x, NaN and −0 too, so the values are those of `composed`.
 */
function generated(d: Distribution | NumberField, r: Rng, round: number | undefined): Sampler {
  const lo = d.type === 'uniform' ? undefined : d.min;
  const hi = d.type === 'uniform' ? undefined : d.max;
  let x = rawCode(d);
  if (lo !== undefined) x = `Math.max(min, ${x})`;
  if (hi !== undefined) x = `Math.min(max, ${x})`;
  if (round === 0) x = `Math.round(${x})`;
  else if (round !== undefined) x = `Math.round((${x}) * p) / p`;
  const v = d as unknown as Record<string, number | undefined>;
  const names = ['r', 'v', 'lo', 'span', 'mean', 'sd', 'mu', 'sigma', 'rate', 'min', 'max', 'p'];
  const make = new Function(...names, `return function sample() { return ${x}; };`);
  return make(
    r,
    v.value,
    v.min,
    d.type === 'uniform' ? d.max - d.min : undefined,
    v.mean,
    v.sd,
    v.mu,
    v.sigma,
    d.type === 'exponential' ? 1 / d.mean : undefined,
    lo,
    hi,
    round === undefined ? undefined : 10 ** round,
  ) as Sampler;
}

/** the same sampler as closures over `raw` (bounds resampled) */
function composed(d: Distribution | NumberField, r: Rng, round: number | undefined): Sampler {
  const draw = raw(d, r);
  const lo = d.type === 'uniform' ? undefined : d.min;
  const hi = d.type === 'uniform' ? undefined : d.max;
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

/** a sampler for a validated distribution or number field */
export function sampler(d: Distribution | NumberField, r: Rng): Sampler {
  const round = 'round' in d ? d.round : undefined;
  return 'bounds' in d && d.bounds === 'resample' ? composed(d, r, round) : generated(d, r, round);
}
