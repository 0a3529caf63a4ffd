/**
 * The shapes the reference pipeline's feature store, model and model server share.
 *
 * `TransactionInput` lists the transaction fields the pipeline reads. It is structural on
 * purpose: the generator's Transaction (generators/transactions.ts) satisfies it, and so does a
 * record decoded from Kafka or a JSON body, without the pipeline importing the generator.
 */
export interface TransactionInput {
  id: string;
  userId: string;
  deviceId: string;
  merchantId: string;
  amount: number;
  currency: string;
  country: string;
  channel: string;
  /** event time: epoch ms, or an ISO-8601 string */
  eventTime: number | string;
  /** label (generated data only); never read at inference */
  isFraud?: boolean;
  fraudPattern?: string | null;
}

/** The three per-user features kept in the feature store (names as stored in Redis). */
export interface UserFeatures {
  user_transaction_count_1h: number;
  user_avg_transaction_amount_24h: number;
  user_device_risk_score: number;
}

export const FEATURE_NAMES = [
  'user_transaction_count_1h',
  'user_avg_transaction_amount_24h',
  'user_device_risk_score',
] as const satisfies readonly (keyof UserFeatures)[];

/** features for a user nobody has seen yet (a feature-store miss) */
export const EMPTY_FEATURES: Readonly<UserFeatures> = Object.freeze({
  user_transaction_count_1h: 0,
  user_avg_transaction_amount_24h: 0,
  user_device_risk_score: 0,
});

/** epoch ms of a transaction's event time (numbers pass through; strings are parsed) */
export function eventTimeMs(t: Pick<TransactionInput, 'eventTime'>): number {
  return typeof t.eventTime === 'number' ? t.eventTime : Date.parse(t.eventTime);
}

/** One scoring request: a transaction with the features looked up for its user. */
export interface ScoringInput {
  transaction: TransactionInput;
  features: UserFeatures;
}

/** the model server's answer for one transaction (the model's, or the rules' when it fell back) */
export interface Prediction {
  id: string;
  score: number;
  fraud: boolean;
  source: 'model' | 'rules';
  /** the version the user is routed to (also set when the rules answered for it) */
  modelVersion: string;
  threshold: number;
}
