/**
 * Arrival processes: when events happen. `createArrivals(spec, rng)` returns
 * `{ next(), rateAt(t) }`: `next()` gives absolute event times in ms (non-decreasing, starting at
 * `spec.startMs`), `rateAt(t)` the intended rate (events/s) at absolute time t.
 *
 * Shapes (rates in events per second, times in ms):
 * - constant  evenly spaced, exactly `rate` per second (a metronome; no randomness)
 * - poisson   homogeneous Poisson process, exponential gaps with mean 1000/rate
 * - ramp      rate moves linearly from `from` to `to` over `durationMs`, then holds `to`
 * - spike     `base`, jumping to `peak` during [atMs, atMs + durationMs)
 * - diurnal   mean·(1 + amplitude·cos(2π(t − peakAtMs)/periodMs)), a day-shaped wave
 * - bursty    two-state Markov-modulated Poisson process (MMPP-2): `low`/`high` rates, state
 *             sojourns exponential with means `meanLowMs`/`meanHighMs`; `rateAt` follows the
 *             realised state path, so it matches what `next()` produces
 * Non-homogeneous shapes use thinning (Lewis & Shedler 1979) against a piecewise-constant bound
 * (see `thinned`). `next()` returns Infinity if the rate stays 0 for ever (a ramp down to 0).
 */
import { z } from 'zod';
import type { Rng } from './rng.ts';
import { parseOrThrow } from './validate.ts';

const rate = z.number().finite().nonnegative();
const posRate = z.number().finite().positive();
const ms = z.number().finite().nonnegative();
const startMs = z.number().finite().default(0);

const ConstantArrivalsSchema = z.strictObject({ kind: z.literal('constant'), rate: posRate, startMs });
const PoissonArrivalsSchema = z.strictObject({ kind: z.literal('poisson'), rate: posRate, startMs });
const RampArrivalsSchema = z
  .strictObject({ kind: z.literal('ramp'), from: rate, to: rate, durationMs: z.number().finite().positive(), startMs })
  .refine((s) => s.from > 0 || s.to > 0, { message: 'from or to must be > 0', path: ['to'] });
const SpikeArrivalsSchema = z.strictObject({
  kind: z.literal('spike'),
  base: posRate,
  peak: posRate,
  atMs: ms,
  durationMs: z.number().finite().positive(),
  startMs,
});
const DiurnalArrivalsSchema = z.strictObject({
  kind: z.literal('diurnal'),
  mean: posRate,
  amplitude: z.number().min(0).max(1).default(0.5),
  periodMs: z.number().finite().positive().default(86_400_000),
  /** time (ms after start) of the daily peak */
  peakAtMs: ms.default(0),
  startMs,
});
const BurstyArrivalsSchema = z.strictObject({
  kind: z.literal('bursty'),
  low: rate,
  high: posRate,
  meanLowMs: z.number().finite().positive(),
  meanHighMs: z.number().finite().positive(),
  startMs,
});

export const ArrivalSpecSchema = z.discriminatedUnion('kind', [
  ConstantArrivalsSchema,
  PoissonArrivalsSchema,
  RampArrivalsSchema,
  SpikeArrivalsSchema,
  DiurnalArrivalsSchema,
  BurstyArrivalsSchema,
]);
/** what a user writes (defaults optional) */
export type ArrivalSpecInput = z.input<typeof ArrivalSpecSchema>;
/** a validated spec */
export type ArrivalSpec = z.output<typeof ArrivalSpecSchema>;
export const ARRIVAL_KINDS = ['constant', 'poisson', 'ramp', 'spike', 'diurnal', 'bursty'] as const;

export interface Arrivals {
  readonly spec: ArrivalSpec;
  /** the next event time, absolute ms, never less than the previous one */
  next(): number;
  /** intended rate in events/s at absolute time t (ms) */
  rateAt(tMs: number): number;
}

/** validate a spec, throwing a PipelabError whose issues name each bad path */
export function parseArrivalSpec(input: unknown, prefix = '/arrivals'): ArrivalSpec {
  return parseOrThrow(ArrivalSpecSchema, input, 'arrival process', prefix);
}

export function createArrivals(input: ArrivalSpecInput | ArrivalSpec, rng: Rng): Arrivals {
  const spec = parseArrivalSpec(input);
  switch (spec.kind) {
    case 'constant': {
      const gap = 1000 / spec.rate;
      let i = 0;
      return { spec, next: () => spec.startMs + gap * i++, rateAt: () => spec.rate };
    }
    case 'poisson': {
      const perMs = spec.rate / 1000;
      let t = spec.startMs;
      return {
        spec,
        next: () => (t += rng.exponential(perMs)),
        rateAt: () => spec.rate,
      };
    }
    case 'ramp': {
      const { from, to, durationMs, startMs } = spec;
      const end = startMs + durationMs,
        win = durationMs / 64;
      const rateAt = (t: number): number => {
        const x = (t - startMs) / durationMs;
        return x >= 1 ? to : x <= 0 ? from : from + (to - from) * x;
      };
      // a linear piece is bounded by its larger end
      return thinned(spec, rng, rateAt, (t, out) => {
        if (t >= end) {
          out.max = to;
          out.until = Infinity;
          return;
        }
        const a = startMs + Math.floor((t - startMs) / win) * win;
        out.until = Math.min(end, a + win);
        out.max = Math.max(rateAt(a), rateAt(out.until));
      });
    }
    case 'spike': {
      const a = spec.startMs + spec.atMs,
        b = a + spec.durationMs;
      const rateAt = (t: number): number => (t >= a && t < b ? spec.peak : spec.base);
      // piecewise constant: the bound is the rate itself, so nothing is thinned away
      return thinned(spec, rng, rateAt, (t, out) => {
        out.max = rateAt(t);
        out.until = t < a ? a : t < b ? b : Infinity;
      });
    }
    case 'diurnal': {
      const { mean, amplitude, periodMs, peakAtMs, startMs } = spec;
      const w = (2 * Math.PI) / periodMs,
        win = periodMs / 64,
        top = mean * (1 + amplitude);
      const rateAt = (t: number): number => mean * (1 + amplitude * Math.cos(w * (t - startMs - peakAtMs)));
      return thinned(spec, rng, rateAt, (t, out) => {
        const a = startMs + Math.floor((t - startMs) / win) * win;
        out.until = a + win;
        // the cosine is monotone inside a window unless the window holds a peak
        const phase = (((a - startMs - peakAtMs) % periodMs) + periodMs) % periodMs;
        out.max = phase === 0 || phase + win >= periodMs ? top : Math.max(rateAt(a), rateAt(out.until));
      });
    }
    case 'bursty':
      return mmpp(spec, rng);
  }
}

interface Bound {
  /** an upper bound of the rate (events/s) on [t, until) */
  max: number;
  until: number;
}

/**
 * Lewis–Shedler thinning with a piecewise-constant bound: candidates from a Poisson process at
 * the piece's bound, each kept with probability rateAt(t)/max; a candidate beyond the piece
 * restarts at the piece's end (exact, by memorylessness). A tight bound per piece keeps a
 * 1000× spike from costing 1000 candidates per event outside it. Returns Infinity when the rate
 * stays 0 for ever (a ramp down to 0).
 */
function thinned(
  spec: ArrivalSpec,
  rng: Rng,
  rateAt: (t: number) => number,
  bound: (t: number, out: Bound) => void,
): Arrivals {
  let t = spec.startMs;
  const b: Bound = { max: 0, until: 0 };
  return {
    spec,
    rateAt,
    next: () => {
      for (;;) {
        if (t === Infinity) return t;
        bound(t, b);
        if (b.max <= 0) {
          t = b.until;
          continue;
        }
        const cand = t + rng.exponential(b.max / 1000);
        if (cand >= b.until) {
          t = b.until;
          continue;
        }
        t = cand;
        if (rng.next() * b.max < rateAt(t)) return t;
      }
    },
  };
}

type Bursty = z.output<typeof BurstyArrivalsSchema>;

/**
 * MMPP-2. The state path (switch times) comes from its own fork, so rateAt(t) can extend it
 * lazily for any t and always agrees with the events next() produced. Starts in the low state.
 */
function mmpp(spec: Bursty, rng: Rng): Arrivals {
  const states = rng.fork('mmpp-states');
  const events = rng.fork('mmpp-events');
  // switches[i] = time the i-th sojourn ends; sojourn i is low when i is even
  const switches: number[] = [];
  let pathEnd = spec.startMs;
  const extendTo = (t: number): void => {
    while (pathEnd <= t) {
      const mean = switches.length % 2 === 0 ? spec.meanLowMs : spec.meanHighMs;
      pathEnd += states.exponential(1 / mean);
      switches.push(pathEnd);
    }
  };
  /** index of the sojourn containing t (t ≥ start), by binary search */
  const sojournAt = (t: number): number => {
    extendTo(t);
    let lo = 0,
      hi = switches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((switches[mid] as number) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const rateOf = (i: number): number => (i % 2 === 0 ? spec.low : spec.high);
  let t = spec.startMs;
  let cur = 0; // sojourn index of t
  return {
    spec,
    rateAt: (tMs) => (tMs < spec.startMs ? spec.low : rateOf(sojournAt(tMs))),
    next: () => {
      // exact: draw within the current sojourn; if the gap crosses its end, restart from the
      // switch point (memorylessness of the exponential makes this correct)
      for (;;) {
        extendTo(t);
        const end = switches[cur] as number;
        const r = rateOf(cur);
        const cand = r > 0 ? t + events.exponential(r / 1000) : Infinity;
        if (cand < end) {
          t = cand;
          return t;
        }
        t = end;
        cur++;
      }
    },
  };
}
