/**
 * Arrival processes for the pipeline model: the generators' `createArrivals(spec, rng)` (constant,
 * poisson, ramp, spike, diurnal, bursty; see generators/arrivals.ts), or any object with the same
 * two methods, e.g. a replay of recorded arrival times.
 */
import type { Rng } from '../../generators/rng.ts';
import { createArrivals, type ArrivalSpecInput } from '../../generators/arrivals.ts';

export interface ArrivalProcess {
  /** absolute time of the next event, ms since run start, non-decreasing */
  next(): number;
  /** intended rate at time t, events per second */
  rateAt(tMs: number): number;
}

function isArrivalProcess(a: unknown): a is ArrivalProcess {
  return typeof (a as ArrivalProcess)?.next === 'function' && typeof (a as ArrivalProcess)?.rateAt === 'function';
}

/** a spec goes through the generators' createArrivals (validated there); a process is used as is */
export function toArrivalProcess(a: ArrivalSpecInput | ArrivalProcess, rng: Rng): ArrivalProcess {
  return isArrivalProcess(a) ? a : createArrivals(a, rng);
}
