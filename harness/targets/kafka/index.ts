/**
 * `kafka` target: any team's Kafka system, black-box. Each iteration produces one generated event
 * to `produce.topic`; result consumers match what comes out on `results[].topic` by a correlation
 * rule (a JSON field, a header, or the key) and measure `e2e_latency` from the intended send time;
 * `lag` watches the system's own consumer group instead (or as well). Every event is accounted for
 * (extra.accounting, `events_missing`). docs/your-pipeline.md is the walk-through.
 *
 * schema.ts: the scenario block; events.ts: generators, ids, keys, formats; ledger.ts: the books;
 * results.ts: correlation, e2e latency, checks; lag.ts: the consumer-group view; target.ts: the
 * life cycle.
 */
import type { Config } from './schema.ts';
import { KafkaTarget } from './target.ts';

export { schema, type Config } from './schema.ts';

export function create(c: Config): KafkaTarget {
  return new KafkaTarget(c);
}
