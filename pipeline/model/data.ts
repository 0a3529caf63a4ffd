/**
 * Training data: labelled transactions from the generator (generators/transactions.ts). The
 * defaults give users a history within the feature windows (2 000 users at 20 events/s, so a
 * user pays every ~100 s of event time) and enough fraud to learn from (2 %).
 */
import { createTransactionStream } from '../../generators/transactions.ts';
import type { TransactionInput } from '../types.ts';

export interface TrainingDataOptions {
  seed: number;
  count: number;
  fraudRate?: number;
  users?: number;
  /** events per second of event time */
  rate?: number;
  /** relative share of fraud patterns, e.g. { cardTesting: 1, accountTakeover: 2, geoVelocity: 1 } */
  fraudMix?: Record<string, number>;
}

export const TRAINING_DATA_DEFAULTS = { fraudRate: 0.02, users: 2000, rate: 20 };

export function trainingTransactions(o: TrainingDataOptions): TransactionInput[] {
  const s = createTransactionStream({
    seed: o.seed,
    users: { count: o.users ?? TRAINING_DATA_DEFAULTS.users, zipf: 1.1 },
    merchants: { count: 500, zipf: 1 },
    fraudRate: o.fraudRate ?? TRAINING_DATA_DEFAULTS.fraudRate,
    arrivals: { kind: 'poisson', rate: o.rate ?? TRAINING_DATA_DEFAULTS.rate, startMs: 0 },
    params: o.fraudMix ? { fraudMix: o.fraudMix } : undefined,
  });
  return s.take(o.count);
}
