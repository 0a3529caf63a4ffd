import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kswin } from '../../../../pipeline/drift/streaming/kswin.ts';
import { stream12345, driftIndices, pythonSample42of70 } from '../../../helpers/river-streams.ts';
import { PythonRandom } from '../../../helpers/python-random.ts';
import { ks2samp } from '../../../../pipeline/drift/batch/ks.ts';
import { Rng } from '../../../../generators/rng.ts';

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

test('the sliding sorted segments give the same p-values as sampling and sorting from scratch', () => {
  // a naive KSWIN: keep the window as an array, sample with the same draws, run ks2samp
  const src = new Rng(5);
  // ties on purpose
  const xs = Array.from({ length: 3000 }, (_, i) => Math.round(src.normal(i > 1500 ? 0.8 : 0, 1) * 4) / 4);
  const det = new Kswin({ seed: 3, rng: (s) => new PythonRandom(s) });
  let draws = new PythonRandom(3);
  let win: number[] = [];
  let drifted = false;
  xs.forEach((x, t) => {
    if (drifted) {
      win = [];
      draws = new PythonRandom(3);
      drifted = false;
    }
    win.push(x);
    if (win.length > 100) win.shift();
    det.update(x);
    if (win.length < 100) return;
    const pool = [...Array(70).keys()];
    const a: number[] = [];
    for (let i = 0; i < 30; i++) {
      const j = draws.int(70 - i);
      a.push(win[pool[j]!]!);
      pool[j] = pool[70 - i - 1]!;
    }
    const r = ks2samp(a, win.slice(70));
    assert.ok(Math.abs(det.pValue - r.pvalue) <= 1e-12 * r.pvalue, `t=${t}: ${det.pValue} vs ${r.pvalue}`);
    drifted = r.pvalue <= 0.005 && r.statistic > 0.1;
    assert.is(det.driftDetected, drifted, `t=${t}`);
  });
});

test('parameters are validated', () => {
  assert.throws(() => new Kswin({ alpha: 2 }));
  assert.throws(() => new Kswin({ windowSize: 10, statSize: 30 }));
});

test.run();
