import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingTransactions } from '../../../pipeline/model/data.ts';
import { trainFraudModel, withFeatures } from '../../../pipeline/model/train.ts';
import { loadFraudModel, loadFraudModels, saveModelArtefacts } from '../../../pipeline/model/artefacts.ts';
import { rocAuc } from '../../../pipeline/model/evaluate.ts';

// small and fast: 12k transactions, 8 epochs (~1-2 s on wasm)
const opts = { version: 't1', seed: 5, epochs: 8, data: { generator: 'transactions', seed: 11 } };
const data = trainingTransactions({ seed: 11, count: 12_000 });
const heldOut = withFeatures(trainingTransactions({ seed: 12345, count: 12_000 })).slice(2000);
const dir = mkdtempSync(join(tmpdir(), 'pipelab-model-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('training is deterministic for a seed: same weights, same predictions', async () => {
  const a = await trainFraudModel(data, opts);
  const b = await trainFraudModel(data, opts);
  assert.equal(Array.from(a.model.predict(heldOut.slice(0, 500))), Array.from(b.model.predict(heldOut.slice(0, 500))));
  assert.equal(a.metrics, b.metrics);
  const c = await trainFraudModel(data, { ...opts, seed: 6 });
  assert.not.equal(
    Array.from(a.model.predict(heldOut.slice(0, 50))),
    Array.from(c.model.predict(heldOut.slice(0, 50))),
    'another seed trains another model',
  );
  b.model.dispose();
  c.model.dispose();
  await saveModelArtefacts(dir, a.model.model, a.metrics);
  a.model.dispose();
});

test('the model beats chance on held-out generated data (AUC > 0.8)', async () => {
  const m = await loadFraudModel(join(dir, 't1'));
  const auc = rocAuc(
    m.predict(heldOut),
    heldOut.map((r) => r.label),
  );
  assert.ok(auc > 0.8, `held-out AUC ${auc}`);
});

test('artefacts are model.json + weights.bin + metrics.json and load back to the same predictions', async () => {
  assert.equal(readdirSync(join(dir, 't1')).sort(), ['metrics.json', 'model.json', 'weights.bin']);
  const fresh = await trainFraudModel(data, opts);
  const loaded = (await loadFraudModels(dir)).get('t1')!;
  assert.equal(
    Array.from(loaded.predict(heldOut.slice(0, 200))),
    Array.from(fresh.model.predict(heldOut.slice(0, 200))),
  );
  assert.is(loaded.threshold, fresh.metrics.threshold);
  assert.is(fresh.metrics.data.count, 12_000);
  assert.ok(fresh.metrics.precision >= 0 && fresh.metrics.recall >= 0 && fresh.metrics.auc > 0.5);
  assert.is(fresh.metrics.featureSpec.mean.length, 5); // the five numeric columns (no hour of day)
});

test('the committed v1 and v2 artefacts load and score', async () => {
  const models = await loadFraudModels('models/fraud');
  assert.equal([...models.keys()], ['v1', 'v2']);
  for (const m of models.values()) {
    const s = m.predict(heldOut.slice(0, 1000));
    assert.ok(
      rocAuc(
        s,
        heldOut.slice(0, 1000).map((r) => r.label),
      ) > 0.7,
    );
  }
});

test('a missing artefact folder is a clear error', async () => {
  try {
    await loadFraudModel(join(dir, 'nope'));
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'INVALID_INPUT_FILE');
  }
});

test.run();
