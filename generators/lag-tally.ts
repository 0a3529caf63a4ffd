/**
 * The ground truth of a stream's disorder, counted as its events are emitted: how many were late
 * (event time before send time), out of order (older than an event emitted before them), by how
 * much, and how many were re-sends. One tally for the built-in streams' Disorder and for event
 * specs, so both count the same way.
 */
import type { StreamTruth } from './spec/types.ts';

export class LagTally {
  events = 0;
  duplicates = 0;
  late = 0;
  outOfOrder = 0;
  maxLagMs = 0;
  lagSum = 0;
  private maxEventTime = -Infinity;

  /** one emitted event, `lagMs` = send time − event time; a duplicate is never counted late. Out of order? */
  add(eventTime: number, lagMs: number, duplicate = false): boolean {
    const ooo = eventTime < this.maxEventTime;
    if (!ooo) this.maxEventTime = eventTime;
    this.events++;
    if (duplicate) this.duplicates++;
    else if (lagMs > 0) {
      this.late++;
      this.lagSum += lagMs;
      if (lagMs > this.maxLagMs) this.maxLagMs = lagMs;
    }
    if (ooo) this.outOfOrder++;
    return ooo;
  }

  truth(): StreamTruth {
    const { events, duplicates, late, outOfOrder, maxLagMs } = this;
    return { events, duplicates, late, outOfOrder, maxLagMs, meanLagMs: late ? this.lagSum / late : 0 };
  }
}
