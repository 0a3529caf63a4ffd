/**
 * The 10-field event spec bench/generators.ts builds and serialises (its "spec JSON" row), the kinds a user spec
 * mixes: ids, hot keys, money, choices, ints, time, scores, flags. test/generators/golden.test.ts pins the bytes
 * this spec generates, so the bench's row and the pinned stream are the same events.
 */
import './help.ts';
import type { EventSpec } from '../generators/spec/types.ts';

export const BENCH_SPEC: EventSpec = {
  entities: { users: { count: 100_000, zipf: 1.1, prefix: 'u' } },
  fields: {
    id: { type: 'uuid' },
    userId: { type: 'key', entity: 'users' },
    amount: { type: 'lognormal', mu: 3.5, sigma: 0.8, round: 2, min: 0.01 },
    currency: { type: 'choice', values: { EUR: 5, USD: 4, GBP: 1 } },
    status: { type: 'choice', values: ['paid', 'pending', 'failed'], weights: [90, 8, 2] },
    quantity: { type: 'int', min: 1, max: 10 },
    eventTime: { type: 'timestamp' },
    score: { type: 'normal', mean: 0.5, sd: 0.15, min: 0, max: 1, round: 3 },
    channel: { type: 'choice', values: ['web', 'app', 'pos'] },
    flagged: { type: 'boolean', p: 0.02 },
  },
};
