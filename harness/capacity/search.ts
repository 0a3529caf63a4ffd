/**
 * The search itself, independent of what is probed: an exponential ramp brackets the edge
 * (rates that pass below, a rate that fails above), bisection narrows the bracket until
 * (hi − lo) / hi ≤ tolerance, and the answer is then repeated (other seeds) until it has passed
 * `confirmations` times. A repeat that fails moves the top of the bracket down to it and the
 * bisection resumes below, so a lucky pass near the edge cannot stand as the answer.
 */
import { PipelabError } from '../../errors.ts';
import type { CapacityProbe } from '../../results/capacity.ts';

export type ProbeOutcome = Omit<CapacityProbe, 'index' | 'phase' | 'rate' | 'seed'>;
export type ProbeFn = (rate: number, seed: number) => Promise<ProbeOutcome>;

export interface SearchOptions {
  /** the first rate tried, per second */
  startRate: number;
  /** never offer more than this (default 1e7/s) */
  maxRate?: number;
  /** give up below this (default startRate / 1024) */
  minRate?: number;
  /** ramp factor (default 2) */
  factor?: number;
  /** relative width of the final bracket (default 0.05) */
  tolerance?: number;
  /** passes needed at the answer (default 2: the pass that found it and one repeat) */
  confirmations?: number;
  /** stop after this many probes, stable or not (default 30) */
  maxProbes?: number;
  /** seed of the first probe; probe i runs with seed + i − 1 */
  seed?: number;
  /** called after each probe (progress lines) */
  onProbe?: (p: CapacityProbe) => void;
  signal?: AbortSignal;
}

export interface SearchOutcome {
  probes: CapacityProbe[];
  capacityPerSec: number | null;
  failedAtPerSec: number | null;
  stable: boolean;
  limitedBy?: 'max-rate' | 'min-rate' | 'max-probes';
}

/** rates shown and offered with 3 significant figures (a bisection step below that is noise) */
export function roundRate(r: number): number {
  return Number(r.toPrecision(3));
}

function checkOptions(o: SearchOptions): Required<Omit<SearchOptions, 'onProbe' | 'signal'>> {
  const issues: { path: string; message: string }[] = [];
  const positive = (k: keyof SearchOptions, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) issues.push({ path: k, message: `must be > 0, got ${v}` });
  };
  positive('startRate', o.startRate);
  positive('maxRate', o.maxRate);
  positive('minRate', o.minRate);
  positive('tolerance', o.tolerance);
  if (o.factor !== undefined && !(o.factor > 1)) issues.push({ path: 'factor', message: 'must be > 1' });
  if (o.tolerance !== undefined && o.tolerance >= 1) issues.push({ path: 'tolerance', message: 'must be below 1' });
  for (const k of ['confirmations', 'maxProbes'] as const)
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && o[k]! >= 1))
      issues.push({ path: k, message: `must be a whole number ≥ 1, got ${o[k]}` });
  if (issues.length)
    throw new PipelabError('INVALID_ARGUMENT', 'invalid capacity search options', {
      issues,
      hint: 'e.g. { startRate: 100, tolerance: 0.05, confirmations: 2 }',
    });
  const maxRate = o.maxRate ?? 1e7;
  return {
    startRate: Math.min(o.startRate, maxRate),
    maxRate,
    minRate: o.minRate ?? o.startRate / 1024,
    factor: o.factor ?? 2,
    tolerance: o.tolerance ?? 0.05,
    confirmations: o.confirmations ?? 2,
    maxProbes: o.maxProbes ?? 30,
    seed: o.seed ?? 1,
  };
}

export async function searchCapacity(probe: ProbeFn, options: SearchOptions): Promise<SearchOutcome> {
  const o = checkOptions(options);
  const probes: CapacityProbe[] = [];
  const run = async (rate: number, phase: CapacityProbe['phase']): Promise<boolean> => {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const index = probes.length + 1;
    const seed = o.seed + index - 1;
    const p: CapacityProbe = { index, phase, rate, seed, ...(await probe(rate, seed)) };
    probes.push(p);
    options.onProbe?.(p);
    return p.ok;
  };
  const failedAt = (r: number) => probes.some((p) => p.rate === r && !p.ok);
  const passes = (r: number) => probes.filter((p) => p.rate === r && p.ok).length;
  const out = (lo: number | null, hi: number | null, stable: boolean, limitedBy?: SearchOutcome['limitedBy']) => ({
    probes,
    capacityPerSec: lo,
    failedAtPerSec: hi,
    stable,
    ...(limitedBy ? { limitedBy } : {}),
  });

  // 1. ramp: up by `factor` while passing, or down while failing, until the edge is bracketed
  let lo: number | null = null;
  let hi: number | null = null;
  let r = roundRate(o.startRate);
  if (await run(r, 'ramp')) {
    lo = r;
    while (hi === null) {
      if (lo >= o.maxRate) return out(lo, null, false, 'max-rate');
      if (probes.length >= o.maxProbes) return out(lo, null, false, 'max-probes');
      r = roundRate(Math.min(lo * o.factor, o.maxRate));
      if (await run(r, 'ramp')) lo = r;
      else hi = r;
    }
  } else {
    hi = r;
    while (lo === null) {
      r = roundRate(hi / o.factor);
      if (r < o.minRate) return out(null, hi, false, 'min-rate');
      if (probes.length >= o.maxProbes) return out(null, hi, false, 'max-probes');
      if (await run(r, 'ramp')) lo = r;
      else hi = r;
    }
  }

  // 2. bisect, then confirm the answer; a failed repeat lowers the top of the bracket to it
  while (probes.length < o.maxProbes) {
    const mid = roundRate((lo + hi) / 2);
    const narrow = (hi - lo) / hi <= o.tolerance || mid === lo || mid === hi;
    if (!narrow) {
      if (await run(mid, 'bisect')) lo = mid;
      else hi = mid;
      continue;
    }
    if (passes(lo) >= o.confirmations) return out(lo, hi, true);
    if (await run(lo, 'confirm')) continue;
    hi = lo;
    // the highest rate below that passed every time it ran, else one ramp step further down
    const below = probes.filter((p) => p.ok && p.rate < hi! && !failedAt(p.rate)).map((p) => p.rate);
    lo = below.length ? Math.max(...below) : roundRate(hi / o.factor);
    if (lo < o.minRate) return out(null, hi, false, 'min-rate');
  }
  return out(passes(lo) > 0 && !failedAt(lo) ? lo : null, hi, false, 'max-probes');
}
