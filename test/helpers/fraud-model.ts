/** A tiny untrained fraud model and valid scoring inputs, for model-server tests (no training). */
import { initBackend, tfjs } from '../../pipeline/model/backend.ts';
import { inputWidth, type FeatureSpec } from '../../pipeline/model/encode.ts';
import { FraudModel } from '../../pipeline/model/inference.ts';
import type { ScoringInput } from '../../pipeline/types.ts';

const TINY_SPEC: FeatureSpec = {
  channels: ['online', 'pos'],
  countries: ['DE', 'US'],
  mean: [0, 0, 0, 0, 0, 0, 0],
  std: [1, 1, 1, 1, 1, 1, 1],
};

export async function tinyModel(version: string, seed = 1): Promise<FraudModel> {
  await initBackend('wasm', () => {});
  const tf = tfjs();
  const m = tf.sequential();
  m.add(
    tf.layers.dense({
      units: 4,
      activation: 'relu',
      inputShape: [inputWidth(TINY_SPEC)],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  m.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return new FraudModel(version, m, TINY_SPEC, 0.5);
}

export function instance(i: number, userId = `u${i}`): ScoringInput {
  return {
    transaction: {
      id: `t${i}`,
      userId,
      deviceId: 'd',
      merchantId: 'm',
      amount: 10 + i,
      currency: 'EUR',
      country: 'DE',
      channel: 'online',
      eventTime: 1_700_000_000_000 + i,
    },
    features: { user_transaction_count_1h: 1, user_avg_transaction_amount_24h: 20, user_device_risk_score: 0.1 },
  };
}
