import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Eddm } from '../../../../pipeline/drift/streaming/eddm.ts';
import { binary42, docstringEvents, driftIndices } from '../../../helpers/river-streams.ts';

test("River's docstring: EDDM(alpha=0.8, beta=0.75) warns at 1059 and drifts at 1278", () => {
  assert.equal(docstringEvents(new Eddm({ alpha: 0.8, beta: 0.75 }), binary42), ['warning 1059', 'drift 1278']);
});

test('hand-worked: evenly spaced errors keep level = 1, so no warning or drift', () => {
  const xs: number[] = [];
  for (let i = 0; i < 2000; i++) xs.push(i % 10 === 9 ? 1 : 0);
  const e = new Eddm();
  for (const x of xs) {
    e.update(x);
    assert.not.ok(e.warningDetected || e.driftDetected);
  }
});

test('hand-worked: the level is (mean + 2·sd of error gaps) over its maximum, recomputed naively', () => {
  // gaps of 10 for 40 errors, then gaps of 1: recompute mean/sd from the gap list each error
  const xs: number[] = [];
  for (let i = 0; i < 400; i++) xs.push(i % 10 === 9 ? 1 : 0);
  for (let i = 0; i < 200; i++) xs.push(1);
  const gaps: number[] = [];
  let last = 0,
    max = -1,
    expected = -1;
  xs.forEach((x, i) => {
    const n = i + 1;
    if (x !== 1 || expected >= 0) return;
    gaps.push(n - last);
    last = n;
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = gaps.length > 1 ? Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1)) : 0;
    const p2s = mean + 2 * sd;
    if (n <= 30) return;
    if (p2s > max) max = p2s;
    else if (gaps.length > 30 && p2s / max < 0.9) expected = i;
  });
  assert.ok(expected > 400);
  assert.equal(driftIndices(new Eddm(), xs).slice(0, 1), [expected]);
});

test('alpha below beta is rejected', () => {
  assert.throws(() => new Eddm({ alpha: 0.5, beta: 0.9 }));
});

test.run();
