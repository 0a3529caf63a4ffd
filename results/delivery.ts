/**
 * What the delivery checkers found (Kafka's validate_delivery, Jepsen's queue checkers), as
 * summary.json carries it under `extra.delivery`: from the producer's acknowledgements and what
 * was observed downstream. Each count is also a counter metric a threshold can gate
 * (`events_lost: ['count==0']`); those metrics are recorded only when the books closed, so a
 * threshold on them fails on a run whose accounting did not complete instead of passing on 0.
 */

/** the counter metric of each finding (thresholds read these) */
export const DELIVERY_METRICS = {
  lost: 'events_lost',
  duplicated: 'events_duplicated',
  unseen: 'events_unseen',
  orderViolations: 'order_violations',
  offsetGaps: 'offset_gaps',
  nonMonotonicOffsets: 'offsets_non_monotonic',
} as const;

/**
 * metrics whose absence means "the books did not close", never 0: a threshold on one of them with
 * no samples fails (events_missing is the pipeline's older name for events_lost)
 */
export const ACCOUNTING_METRICS: ReadonlySet<string> = new Set([...Object.values(DELIVERY_METRICS), 'events_missing']);

export interface DeliveryReport {
  /** events the broker acknowledged */
  acked: number;
  /** acknowledged, never observed downstream (after the drain) */
  lost: number;
  /** observed more than once */
  duplicated: number;
  /** sent but never acknowledged (failed or unknown outcome) and never observed: not a loss */
  unseen: number;
  /** sent, not acknowledged, but observed anyway (the ack was lost, not the record) */
  recovered: number;
  /** observed, never sent by this run */
  unexpected: number;
  /** an event observed before an earlier-sent event of the same key (first observations only) */
  orderViolations: number;
  /** per source partition: offsets inside the observed range that were never observed */
  offsetGaps: number;
  /** per source partition: an observation whose offset is not above the last one observed there */
  nonMonotonicOffsets: number;
  /** a few examples of each finding, for the report */
  samples: {
    lost: string[];
    duplicated: string[];
    unseen: string[];
    orderViolations: string[];
    offsetGaps: string[];
    nonMonotonicOffsets: string[];
  };
}
