import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PageHinkley } from '../../../../pipeline/drift/streaming/page-hinkley.ts';
import { stream12345, driftIndices } from '../../../helpers/river-streams.ts';

test("River's docstring: PageHinkley with defaults flags index 1006", () => {
  assert.equal(driftIndices(new PageHinkley(), stream12345), [1006]);
});

test('hand-worked: 0, 0, 10 with λ = 1, δ = 0, α = 1 drifts on the third value', () => {
  // means 0, 0, 10/3 → deviations 0, 0, 20/3 → S⁺ = 0, 0, 6.67; min S⁺ = 0 → 6.67 > 1
  const ph = new PageHinkley({ minInstances: 1, threshold: 1, delta: 0, alpha: 1 });
  assert.equal(driftIndices(ph, [0, 0, 10]), [2]);
});

test("hand-worked: a drop is caught by the 'down' side and ignored by 'up'", () => {
  const xs = [10, 10, 0];
  // deviations 0, 0, −20/3 → S⁻ = 0, 0, −6.67; max S⁻ = 0 (it starts at −1) → 6.67 > 1
  assert.equal(
    driftIndices(new PageHinkley({ minInstances: 1, threshold: 1, delta: 0, alpha: 1, mode: 'down' }), xs),
    [2],
  );
  assert.equal(
    driftIndices(new PageHinkley({ minInstances: 1, threshold: 1, delta: 0, alpha: 1, mode: 'up' }), xs),
    [],
  );
});

test('nothing is flagged before min_instances observations', () => {
  const ph = new PageHinkley({ minInstances: 5, threshold: 1, delta: 0 });
  assert.equal(driftIndices(ph, [0, 0, 100, 100]), []);
});

test('a constant stream never drifts', () => {
  assert.equal(driftIndices(new PageHinkley(), Array(10000).fill(1)), []);
});

test.run();
