/**
 * drift: the drift → retrain → A/B → promote loop, end to end, in about 30 s.
 * 400 transactions/s; at event 5000 (t ≈ 12.5 s) the generator shifts every user's spend
 * (amount.muShift +1: covariate drift the monitor sees) and changes the fraud rule (card testing
 * now tries 150–600 instead of 0.5–2, fraud rate 3 % → 5 %: concept drift that v1, trained on
 * small card-testing amounts, misses). The loop watches amount and score with ADWIN, confirms
 * with KS, retrains on the next 2000 labelled transactions (the generator's isFraud as delayed
 * ground truth), rolls the candidate out at 10 %, compares AUC on the next 1500 and promotes it.
 * The incumbent is a baseline the loop trains on the run's first 2400 transactions (the shipped
 * v1 is trained on other data; see docs/drift.md for why it cannot be the baseline here).
 *   npx pipelab run scenarios/drift.ts
 */
import { defineScenario } from 'pipelab';

const ONSET = 5000;

export default defineScenario({
  name: 'drift',
  description: 'Drift at a known time: detection, retraining, A/B rollout and promotion of a new fraud model',
  // seed 1's first 2400 transactions hold only 9 fraud (episodes are bursty): too few for a baseline
  seed: 3,
  tags: { kind: 'drift-loop' },
  target: {
    type: 'pipeline',
    processors: 1,
    routes: 'v1=100',
    users: 5000,
    fraudRate: 0.03,
    // the generator's own clock runs at 1000 events/s; shorter gaps inside fraud episodes make
    // the labelled fraud show up within a 30 s run (a few % instead of ~0.3 %)
    params: {
      cardTesting: { gapMeanMs: 20 },
      accountTakeover: { gapMeanMs: 500 },
      geoVelocity: { gapMinMs: 1000, gapMaxMs: 5000 },
    },
    drifts: [
      { id: 'spend-up', param: 'amount.muShift', op: 'add', value: 1, onset: ONSET },
      { id: 'card-testing-bigger', param: 'cardTesting.minAmount', value: 150, onset: ONSET },
      { param: 'cardTesting.maxAmount', value: 600, onset: ONSET },
      { id: 'fraud-up', param: 'fraudRate', value: 0.05, onset: ONSET },
    ],
    driftLoop: {
      baselineRows: 2400,
      detector: 'adwin',
      signals: ['amount', 'score'],
      referenceSize: 1000,
      recentSize: 500,
      pvalue: 0.001,
      trainRows: 2000,
      evalRows: 1500,
      epochs: 8,
      candidateWeight: 10,
      minAucGain: 0.01,
    },
  },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 400,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 100,
      maxVUs: 1000,
    },
  },
  thresholds: {
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
    // the loop end to end: one confirmed drift, one candidate, promoted
    drift_alerts: ['count>=1'],
    model_rollouts: ['count>=1'],
    model_promotions: ['count>=1'],
  },
});
