/**
 * Disorder for built-in streams: the share it promises, seeded, and ground truth that matches the
 * event times it gave.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Disorder } from '../../generators/disorder.ts';
import { Rng } from '../../generators/rng.ts';

test('a share of events lagged by the distribution; the truth counts what it did', () => {
  const run = () => {
    const d = new Disorder({ share: 0.25, lag: { type: 'exponential', mean: 1000 } }, new Rng(9), 2000);
    const times = Array.from({ length: 20_000 }, (_, i) => d.eventTime(1_000_000 + i * 10));
    return { d, times };
  };
  const { d, times } = run();
  assert.equal(times, run().times, 'seeded');
  const lags = times.map((t, i) => 1_000_000 + i * 10 - t);
  const late = lags.filter((l) => l > 0);
  const t = d.truth();
  assert.is(t.events, 20_000);
  assert.is(t.late, late.length);
  assert.ok(Math.abs(t.late / 20_000 - 0.25) < 0.015, `late share ${t.late / 20_000}`);
  assert.is(t.beyondLateness, lags.filter((l) => l > 2000).length);
  // exponential: P(lag > 2 s) = e^-2 of the late ones
  assert.ok(Math.abs(t.beyondLateness / t.late - Math.exp(-2)) < 0.03, `${t.beyondLateness / t.late}`);
  assert.ok(Math.abs(t.meanLagMs - 1000) < 60, `mean lag ${t.meanLagMs}`);
  assert.is(t.maxLagMs, Math.max(...lags));
  let max = -Infinity,
    ooo = 0;
  for (const x of times)
    if (x < max) ooo++;
    else max = x;
  assert.is(t.outOfOrder, ooo);
});

test('share 0: every event time is its send time', () => {
  const d = new Disorder({ share: 0, lag: { type: 'const', value: 5 } }, new Rng(1));
  assert.equal([d.eventTime(10.7), d.eventTime(20)], [10, 20]);
  assert.equal(d.truth().late, 0);
});

test.run();
