/**
 * kafka-your-pipeline: load-test your own Kafka application, black-box (docs/your-pipeline.md).
 * pipelab produces orders to `orders`; your app consumes them and writes a result per order to
 * `orders-scored` carrying the order's id in the field `orderId`; pipelab matches each result to
 * its order, measures end-to-end latency from the intended send time and accounts for every order.
 *
 *   npx pipelab broker --port 9092 &            # or your cluster: --kafka host:9092
 *   <start your app against 127.0.0.1:9092, consumer group orders-app>
 *   npx pipelab run scenarios/kafka-your-pipeline.ts --kafka 127.0.0.1:9092
 *
 * Without an app running every order ends missing and the run fails its events_missing threshold:
 * that is the point of the threshold.
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'kafka-your-pipeline',
  description: 'Orders in, scored orders out: every order matched, p99 end to end under 500 ms',
  warmup: '5s',
  target: {
    type: 'kafka',
    produce: { topic: 'orders', generator: 'transactions', key: 'userId', partitions: 12 },
    results: [
      {
        topic: 'orders-scored',
        correlate: { field: 'orderId' },
        // each result is checked: a score between 0 and 1 (k6-style checks, a pass rate)
        expect: { score: { min: 0, max: 1 } },
      },
    ],
    // your app's own consumer group, watched from outside: lag per partition, drain time
    lag: { group: 'orders-app' },
    drainTimeout: '15s',
  },
  executors: {
    orders: {
      executor: 'ramping-arrival-rate',
      startRate: 50,
      stages: [
        { target: 500, duration: '20s' },
        { target: 500, duration: '40s' },
      ],
      preAllocatedVUs: 50,
      maxVUs: 2000,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<500'],
    events_missing: ['count==0'],
    checks: ['rate>0.99'],
  },
});
