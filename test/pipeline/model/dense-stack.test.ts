/**
 * pipeline/model/dense-stack.ts: the shipped models' Dense stack scored without LayersModel.predict gives predict's
 * float32 scores bit for bit, on generated transactions with computed features at every batch size from 1 to 100
 * (predict splits at 32 rows); a model that is not a plain Dense stack keeps predict.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTransactionStream } from '../../../generators/transactions.ts';
import { loadFraudModels, PACKAGE_MODELS_DIR } from '../../../pipeline/model/artefacts.ts';
import { initBackend, tfjs, type Tf } from '../../../pipeline/model/backend.ts';
import { denseForward, denseLayers, sameAsPredict } from '../../../pipeline/model/dense-stack.ts';
import { encodeRows, inputWidth } from '../../../pipeline/model/encode.ts';
import { FeatureComputer } from '../../../pipeline/features/compute.ts';
import type { ScoringInput } from '../../../pipeline/types.ts';

function rows(n: number, seed: number): ScoringInput[] {
  const features = new FeatureComputer();
  return createTransactionStream({ seed, fraudRate: 0.05 })
    .take(n)
    .map((transaction) => ({ transaction, features: features.update(transaction) }));
}

test("the shipped models: the stack's scores are predict's, bit for bit, at every batch size to 100", async () => {
  await initBackend('wasm', () => {});
  const tf = tfjs();
  const all = rows(5050, 11);
  for (const [version, m] of await loadFraudModels(PACKAGE_MODELS_DIR)) {
    const layers = denseLayers(m.model);
    assert.ok(layers, `${version} is a Dense stack`);
    const width = inputWidth(m.spec);
    assert.ok(sameAsPredict(tf, m.model, layers!, width), `${version}: the probe rows agree`);
    let at = 0;
    for (let n = 1; n <= 100; n++) {
      const batch = all.slice(at, at + n);
      at += n;
      const x = encodeRows(batch, m.spec);
      const theirs = tf.tidy(() => (m.model.predict(tf.tensor2d(x, [n, width])) as Tf.Tensor).dataSync());
      const ours = denseForward(tf, layers!, x, n, width);
      assert.is(ours.length, n);
      for (let i = 0; i < n; i++) assert.ok(Object.is(ours[i], theirs[i]), `${version}, ${n} rows, row ${i}`);
      // and FraudModel.predict, which takes the stack
      assert.equal([...m.predict(batch)], [...theirs]);
    }
  }
});

test('a model that is not a plain Dense stack keeps predict', async () => {
  await initBackend('wasm', () => {});
  const tf = tfjs();
  const withDropout = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3] }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  assert.is(denseLayers(withDropout), undefined);
  const input = tf.input({ shape: [3] });
  const functional = tf.model({
    inputs: input,
    outputs: tf.layers.dense({ units: 1 }).apply(input) as Tf.SymbolicTensor,
  });
  assert.is(denseLayers(functional), undefined);
});

test.run();
