import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { DriftMonitor, type DriftAlert } from '../../../pipeline/drift/monitor.ts';

/** lognormal amounts (log-mean 3.5, sd 0.8), shifted by `shift` in log space from index `at` */
function stream(seed: number, n: number, at = Infinity, shift = 1): { amount: number; score: number }[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    amount: Math.exp(3.5 + 0.8 * r.normal() + (i >= at ? shift : 0)),
    score: r.next() * 0.1,
  }));
}

test('the monitor detects a sudden shift of the amount after its onset, confirmed by KS', () => {
  for (const detector of ['adwin', 'page-hinkley'] as const) {
    const m = new DriftMonitor({ detector });
    const xs = stream(7, 6000, 3000);
    let alert: DriftAlert | undefined;
    xs.forEach((x, i) => {
      alert = m.observe(x, i) ?? alert;
    });
    assert.ok(alert, `${detector} raised no alert`);
    assert.is(alert!.signal, 'amount');
    assert.ok(alert!.t >= 3000 && alert!.t < 4000, `${detector} alert at ${alert!.t}`);
    assert.ok(alert!.pvalue < 0.001);
    assert.is(m.stats().alerts, 1);
  }
});

test('the monitor raises no alert on a stationary stream', () => {
  for (const seed of [1, 2, 3]) {
    const m = new DriftMonitor();
    for (const [i, x] of stream(seed, 20000).entries())
      assert.is(m.observe(x, i), undefined, `seed ${seed}: alert at ${i}`);
    assert.is(m.stats().alerts, 0);
  }
});

test('the monitor stays quiet after an alert until reset, then takes a new reference', () => {
  const m = new DriftMonitor({ referenceSize: 500, recentSize: 200 });
  const xs = stream(11, 4000, 1000);
  let alerts = 0;
  for (const [i, x] of xs.slice(0, 2500).entries()) if (m.observe(x, i)) alerts++;
  assert.is(alerts, 1);
  m.reset();
  // after the reset the shifted data is the reference: no new alert
  for (const [i, x] of xs.slice(2500).entries()) assert.is(m.observe(x, i), undefined);
});

test('the monitor rejects empty signal lists and tiny windows', () => {
  assert.throws(() => new DriftMonitor({ signals: [] }), /signal/);
  assert.throws(() => new DriftMonitor({ referenceSize: 3 }), /≥ 10/);
});

test.run();
