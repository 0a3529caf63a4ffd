import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { atThreshold, bestF1Threshold, rocAuc } from '../../../pipeline/model/evaluate.ts';

test('AUC is 1 for a perfect ranking, 0.5 for ties, and counts ties as half', () => {
  assert.is(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.is(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  assert.is(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
});

test('precision and recall at a threshold', () => {
  const r = atThreshold([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0], 0.5);
  assert.equal([r.precision, r.recall, r.flaggedRate], [0.5, 0.5, 0.5]);
});

test('the best-F1 threshold separates well-ranked but badly calibrated scores', () => {
  const r = bestF1Threshold([0.001, 0.002, 0.0031, 0.004], [0, 0, 1, 1]);
  assert.is(r.f1, 1);
  assert.ok(r.threshold > 0.002 && r.threshold <= 0.0031);
});

test.run();
