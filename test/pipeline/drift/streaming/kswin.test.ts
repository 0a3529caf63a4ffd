import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kswin } from '../../../../pipeline/drift/streaming/kswin.ts';
import { stream12345, driftIndices, pythonSample42of70 } from '../../../helpers/river-streams.ts';
import { PythonRandom } from '../../../helpers/python-random.ts';

test("the Mersenne Twister helper reproduces Python's random.Random(42).sample(range(70), 30)", () => {
  const r = new PythonRandom(42);
  const pool = [...Array(70).keys()];
  const out: number[] = [];
  for (let i = 0; i < 30; i++) {
    const j = r.int(70 - i);
    out.push(pool[j] as number);
    pool[j] = pool[70 - i - 1] as number;
  }
  assert.equal(out, pythonSample42of70);
});

test("River's docstring: KSWIN(alpha=0.0001, seed=42) flags index 1016 with Python's random", () => {
  const k = new Kswin({ alpha: 0.0001, seed: 42, rng: (s) => new PythonRandom(s) });
  assert.equal(driftIndices(k, stream12345), [1016]);
});

test('with our seeded Rng the same stream is flagged just after the change, reproducibly', () => {
  const a = driftIndices(new Kswin({ alpha: 0.0001, seed: 42 }), stream12345);
  const b = driftIndices(new Kswin({ alpha: 0.0001, seed: 42 }), stream12345);
  assert.equal(a, b);
  assert.ok(a.length >= 1 && (a[0] as number) >= 1000 && (a[0] as number) < 1040, `got ${a}`);
});

test('hand-worked: 70 zeros then ones drift exactly when the window first fills (D = 1)', () => {
  const k = new Kswin();
  const xs = [...Array(70).fill(0), ...Array(30).fill(1), 1];
  assert.equal(driftIndices(k, xs), [99]);
  // the next update reset the detector: one value in the window, no test run
  assert.is(k.n, 1);
});

test('no test runs (and no drift) before the window is full', () => {
  const k = new Kswin();
  for (let i = 0; i < 99; i++) {
    k.update(i % 2 ? 1000 : -1000);
    assert.not.ok(k.driftDetected);
    assert.is(k.pValue, 0);
  }
});

test('parameters are validated', () => {
  assert.throws(() => new Kswin({ alpha: 2 }));
  assert.throws(() => new Kswin({ windowSize: 10, statSize: 30 }));
});

test.run();
