/**
 * user-behaviour: the reference architecture's user-behaviour step. A fifth of the iterations
 * send a clickstream event (sessions: login → view → cart → checkout → purchase …) to
 * user-events instead of a transaction; the stream processor windows them per user (keyed
 * tumbling windows, here 10 s with 2 s allowed lateness so windows close during a short run) into
 * processed-events. A tenth of them are sent late (event time an exponential 4 s on average
 * behind the send time): the ones behind the watermark go to dead-letter with reason 'late'.
 * The report shows the generator's ground truth (how many were sent late, how many beyond the
 * allowed lateness) beside what the windows counted and dropped; every event must end in a
 * window or a dead letter (events_missing counts user events too).
 *   npx pipelab run scenarios/user-behaviour.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'user-behaviour',
  description: 'User events through per-user event-time windows with a watermark; late ones dead-lettered',
  seed: 1,
  tags: { kind: 'windows' },
  target: {
    type: 'pipeline',
    processors: 1,
    window: '10s',
    allowedLateness: '2s',
    userEvents: { share: 0.2, disorder: { share: 0.1, lag: { type: 'exponential', mean: 4000 } } },
    drainTimeout: '10s',
  },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 50,
      maxVUs: 500,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<500'],
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
  },
});
