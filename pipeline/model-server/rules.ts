/**
 * Rule-based fraud scoring: the fallback when the model is slow or down (the circuit breaker is
 * open, or a call timed out). Transparent rules on the same inputs, scored in [0, 1]; a score
 * ≥ RULES_THRESHOLD is a fraud decision. Deliberately conservative: rules catch the blatant
 * patterns (bursts, new device with a large amount, far above the user's usual amount).
 */
import type { Prediction, ScoringInput } from '../types.ts';

export const RULES_THRESHOLD = 0.5;

export function ruleScore({ transaction: t, features: f }: ScoringInput): number {
  let s = 0;
  if (f.user_transaction_count_1h >= 10)
    s += 0.35; // burst (card testing)
  else if (f.user_transaction_count_1h >= 5) s += 0.15;
  if (f.user_device_risk_score >= 0.6) s += 0.25; // new device for this user
  const avg = f.user_avg_transaction_amount_24h;
  if (avg > 0 && t.amount > 5 * avg) s += 0.3; // far above the usual amount
  if (t.amount >= 2000) s += 0.15;
  return Math.min(1, s);
}

/** the rules' answer in the model server's shape, for the user's routed version (or the client's fallback name) */
export function rulesPrediction(x: ScoringInput, version: string): Prediction {
  const score = ruleScore(x);
  return {
    id: x.transaction.id,
    score,
    fraud: score >= RULES_THRESHOLD,
    source: 'rules',
    modelVersion: version,
    threshold: RULES_THRESHOLD,
  };
}
