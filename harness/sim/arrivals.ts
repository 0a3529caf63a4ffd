/**
 * Arrival processes for the simulator. The pipeline model takes anything with
 * `next(): number` (absolute event times in ms, increasing) and `rateAt(t)` (events/s), which is
 * the interface of generators/ arrival processes (`createArrivals(spec, rng)`), so those plug in
 * unchanged. Until then (and for the queue self-checks) these seeded Poisson processes are used:
 * homogeneous, or non-homogeneous by thinning (Lewis & Shedler 1979) for spikes and daily cycles.
 */
import type { Rng } from '../../generators/rng.ts';
import { PipelabError } from '../errors.ts';

export interface ArrivalProcess {
  /** absolute time of the next event, ms since run start */
  next(): number;
  /** intended rate at time t, events per second */
  rateAt(tMs: number): number;
}

export type SimArrivalSpec =
  | { type: 'poisson'; ratePerSec: number }
  /** base rate, multiplied by `factor` during [atMs, atMs + durationMs) with linear ramps of rampMs */
  | { type: 'spike'; ratePerSec: number; factor: number; atMs: number; durationMs: number; rampMs?: number }
  /** mean · (1 + amplitude · sin(2π (t − phaseMs) / periodMs)); period defaults to 24 h */
  | { type: 'diurnal'; meanPerSec: number; amplitude: number; periodMs?: number; phaseMs?: number };

export function rateFunction(spec: SimArrivalSpec): { rateAt: (t: number) => number; maxRate: number } {
  switch (spec.type) {
    case 'poisson':
      return { rateAt: () => spec.ratePerSec, maxRate: spec.ratePerSec };
    case 'spike': {
      const ramp = spec.rampMs ?? 0;
      const { atMs: a, durationMs: d, factor: f, ratePerSec: r } = spec;
      return {
        maxRate: r * Math.max(1, f),
        rateAt(t) {
          if (t < a || t >= a + d) return r;
          let m = 1;
          if (ramp > 0 && t < a + ramp) m = (t - a) / ramp;
          else if (ramp > 0 && t > a + d - ramp) m = (a + d - t) / ramp;
          return r * (1 + (f - 1) * Math.min(1, m));
        },
      };
    }
    case 'diurnal': {
      const p = spec.periodMs ?? 86_400_000, ph = spec.phaseMs ?? 0;
      return { maxRate: spec.meanPerSec * (1 + Math.abs(spec.amplitude)), rateAt: (t) => spec.meanPerSec * (1 + spec.amplitude * Math.sin((2 * Math.PI * (t - ph)) / p)) };
    }
  }
}

export function validateArrivalSpec(spec: SimArrivalSpec, path = '/arrivals'): void {
  const bad = (field: string, msg: string) => new PipelabError('INVALID_ARGUMENT', `invalid arrival process at ${path}/${field}: ${msg}`, { issues: [{ path: `${path}/${field}`, message: msg }], hint: 'e.g. { type: "poisson", ratePerSec: 1000 }' });
  switch (spec?.type) {
    case 'poisson': if (!(spec.ratePerSec > 0)) throw bad('ratePerSec', 'must be > 0'); return;
    case 'spike':
      if (!(spec.ratePerSec > 0)) throw bad('ratePerSec', 'must be > 0');
      if (!(spec.factor > 0)) throw bad('factor', 'must be > 0');
      if (!(spec.durationMs > 0)) throw bad('durationMs', 'must be > 0');
      return;
    case 'diurnal':
      if (!(spec.meanPerSec > 0)) throw bad('meanPerSec', 'must be > 0');
      if (!(Math.abs(spec.amplitude) <= 1)) throw bad('amplitude', 'must be within [-1, 1]');
      return;
    default: throw bad('type', `unknown arrival process ${JSON.stringify((spec as { type?: unknown })?.type)}; use poisson, spike or diurnal (or pass an ArrivalProcess)`);
  }
}

/** a seeded (non-homogeneous) Poisson process */
export function poissonArrivals(spec: SimArrivalSpec, rng: Rng, startMs = 0): ArrivalProcess {
  validateArrivalSpec(spec);
  const { rateAt, maxRate } = rateFunction(spec);
  const perMs = maxRate / 1000;
  let t = startMs;
  if (spec.type === 'poisson') {
    return { next: () => (t += -Math.log(rng.nextOpen()) / perMs), rateAt };
  }
  return {
    rateAt,
    next() {
      for (;;) {
        t += -Math.log(rng.nextOpen()) / perMs;
        if (rng.next() * maxRate < rateAt(t)) return t;
      }
    },
  };
}
