import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HddmA } from '../../../../pipeline/drift/streaming/hddm-a.ts';
import { binary42, docstringEvents, driftIndices } from '../../../helpers/river-streams.ts';

test("River's docstring: HDDM_A warns at 451 and drifts at 1206", () => {
  assert.equal(docstringEvents(new HddmA(), binary42), ['warning 451', 'drift 1206']);
});

test('hand-worked: 100 zeros then ones — drift when the mean gain passes the Hoeffding bound', () => {
  // X stays the all-zero prefix (n_X = 100). After k ones: Z = k/(100+k),
  // m = k/(100·(100+k)), drift when Z ≥ sqrt(m/2·ln(2/0.001)); solve for the first k.
  let k = 1;
  for (; ; k++) {
    const n = 100 + k;
    const m = k / (100 * n);
    if (k / n >= Math.sqrt((m / 2) * Math.log(2 / 0.001))) break;
  }
  const hits = driftIndices(new HddmA(), [...Array(100).fill(0), ...Array(200).fill(1)]);
  assert.is(hits[0], 100 + k - 1);
});

test('one-sided by default: a falling error rate is not a drift, two-sided catches it', () => {
  const xs = [...Array(300).fill(1), ...Array(300).fill(0)];
  assert.equal(driftIndices(new HddmA(), xs), []);
  assert.ok(driftIndices(new HddmA({ twoSided: true }), xs).length > 0);
});

test.run();
