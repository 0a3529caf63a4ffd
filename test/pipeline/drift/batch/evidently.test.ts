import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultMethod, columnDrift, datasetDrift } from '../../../../pipeline/drift/batch/evidently.ts';

test("Evidently's default method by type, reference size and unique count", () => {
  assert.is(defaultMethod('numeric', 1000, 6), 'ks');
  assert.is(defaultMethod('numeric', 1000, 5), 'chisquare');
  assert.is(defaultMethod('numeric', 1000, 2), 'z');
  assert.is(defaultMethod('categorical', 500, 3), 'chisquare');
  assert.is(defaultMethod('categorical', 500, 2), 'z');
  assert.is(defaultMethod('numeric', 1001, 6), 'wasserstein');
  assert.is(defaultMethod('numeric', 1001, 5), 'js');
  assert.is(defaultMethod('categorical', 5000, 40), 'js');
});

test('thresholds: KS drifts at p ≤ 0.05, distances at ≥ 0.1', () => {
  const ks = columnDrift('x', 'numeric', [1, 2, 3], [4, 5, 6], { method: 'ks', threshold: 0.1 });
  assert.is(ks.pvalue! <= 0.1 + 1e-15, true);
  assert.ok(ks.drift); // p = 0.1 exactly: ≤ threshold drifts
  const w = columnDrift('x', 'numeric', [0, 2], [0.2, 2.2], { method: 'wasserstein' });
  assert.ok(Math.abs(w.statistic - 0.2) < 1e-12);
  assert.ok(w.drift);
});

test('dataset drift when the drifted share reaches 0.5', () => {
  const col = (drift: boolean) => ({
    column: 'c',
    kind: 'numeric' as const,
    method: 'ks' as const,
    statistic: 0,
    pvalue: 0,
    threshold: 0.05,
    drift,
  });
  assert.ok(datasetDrift([col(true), col(false)]).datasetDrift);
  assert.not.ok(datasetDrift([col(true), col(false), col(false)]).datasetDrift);
  assert.not.ok(datasetDrift([]).datasetDrift);
});

test.run();
