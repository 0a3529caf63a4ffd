/**
 * Disorder for a built-in stream (an event spec has its own, docs/event-specs.md): a share of
 * events carries an event time `lag` ms before its send time — late and out-of-order events —
 * and the ground truth is kept: how many were late, out of order, and by how much.
 */
import { LagTally } from './lag-tally.ts';
import type { Rng } from './rng.ts';
import { type Sampler, sampler } from './spec/numbers.ts';
import type { DisorderSpec } from './spec/types.ts';

export interface DisorderTruth {
  events: number;
  /** events whose event time lags their send time */
  late: number;
  /** events older than an event sent before them */
  outOfOrder: number;
  /** late events whose lag exceeds a given allowed lateness (the ones a watermark may drop) */
  beyondLateness: number;
  maxLagMs: number;
  meanLagMs: number;
}

export class Disorder {
  private readonly lag: Sampler;
  private readonly r: Rng;
  private readonly t = new LagTally();
  private beyondLateness = 0;

  /** `allowedLatenessMs`: lags above it are counted apart (beyondLateness) */
  constructor(
    private readonly spec: DisorderSpec,
    rng: Rng,
    private readonly allowedLatenessMs = Infinity,
  ) {
    this.r = rng.fork('disorder');
    this.lag = sampler(spec.lag, rng.fork('disorder-lag'));
  }

  /** the event time of an event sent at `sendTime` (epoch ms) */
  eventTime(sendTime: number): number {
    const sent = Math.floor(sendTime);
    let lag = 0;
    if (this.spec.share > 0 && this.r.next() < this.spec.share) lag = Math.max(0, Math.round(this.lag()));
    if (lag > this.allowedLatenessMs) this.beyondLateness++;
    this.t.add(sent - lag, lag);
    return sent - lag;
  }

  truth(): DisorderTruth {
    const { events, late, outOfOrder, maxLagMs, meanLagMs } = this.t.truth();
    return { events, late, outOfOrder, beyondLateness: this.beyondLateness, maxLagMs, meanLagMs };
  }
}
