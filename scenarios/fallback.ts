/**
 * fallback: the model server is stopped 8 s into the run. The processors' model client opens its
 * breaker and scores with the rules (source 'rules'), so decisions continue; every event must
 * still end decided or dead-lettered (0 missing). extra.accounting.bySource shows model vs rules.
 *   npx pipelab run scenarios/fallback.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fallback',
  description: 'Model server stopped mid-run: decisions continue via the rules fallback, nothing lost',
  seed: 1,
  tags: { kind: 'fallback' },
  warmup: '2s',
  target: { type: 'pipeline', processors: 2, faults: { stopModelServerAt: '8s' } },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 300,
      timeUnit: '1s',
      duration: '16s',
      preAllocatedVUs: 100,
      maxVUs: 1000,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<1000'],
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
    'decisions{source:rules}': ['count>0'],
  },
});
