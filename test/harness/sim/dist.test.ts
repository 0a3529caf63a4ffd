import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as hdr from 'hdr-histogram-js';
import { sampler, lognormalFromP50P99, empiricalFromSummary } from '../../../harness/sim/dist.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import { Rng } from '../../../generators/rng.ts';
import { PipelabError } from '../../../errors.ts';

const meanOf = (s: ReturnType<typeof sampler>, n = 200_000, seed = 1) => {
  const r = new Rng(seed);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s.sample(r);
  return sum / n;
};

test('exponential and lognormal samples have the stated means', () => {
  const e = sampler({ type: 'exponential', meanMs: 4 });
  assert.ok(Math.abs(meanOf(e) / 4 - 1) < 0.01);
  const l = sampler({ type: 'lognormal', medianMs: 2, sigma: 0.5 });
  assert.ok(Math.abs(meanOf(l) / l.mean - 1) < 0.01);
  assert.is(sampler({ type: 'deterministic', ms: 3 }).sample(new Rng(1)), 3);
});

test('lognormalFromP50P99 puts the 99th percentile where asked', () => {
  const spec = lognormalFromP50P99(10, 80);
  const s = sampler(spec);
  const r = new Rng(3);
  const xs = Array.from({ length: 100_000 }, () => s.sample(r)).sort((a, b) => a - b);
  assert.ok(Math.abs(xs[49_999]! / 10 - 1) < 0.03);
  assert.ok(Math.abs(xs[98_999]! / 80 - 1) < 0.05);
});

test('an empirical distribution from an encoded HDR histogram reproduces its mean and spread', () => {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (let i = 0; i < 1000; i++) h.recordValue(1000); // 1 ms
  for (let i = 0; i < 1000; i++) h.recordValue(9000); // 9 ms
  const s = sampler({ type: 'empirical', hdr: hdr.encodeIntoCompressedBase64(h) });
  assert.ok(Math.abs(s.mean - 5) < 0.01);
  const r = new Rng(2);
  let small = 0;
  for (let i = 0; i < 10_000; i++) {
    const x = s.sample(r);
    assert.ok(Math.abs(x - 1) < 0.01 || Math.abs(x - 9) < 0.01);
    if (x < 5) small++;
  }
  assert.ok(Math.abs(small / 10_000 - 0.5) < 0.03);
});

test('bad specs throw a PipelabError naming the field', () => {
  assert.throws(
    () => sampler({ type: 'exponential', meanMs: 0 }),
    (e: unknown) => e instanceof PipelabError && /meanMs/.test(e.message),
  );
  assert.throws(
    () => sampler({ type: 'empirical', hdr: 'not-base64!' }),
    (e: unknown) => e instanceof PipelabError,
  );
  assert.throws(
    () => sampler({ type: 'gamma' } as never),
    (e: unknown) => e instanceof PipelabError && /unknown distribution/.test(e.message),
  );
});

test('a stage measured in one run calibrates the next: its empirical mean matches the measured mean', () => {
  const run = simulate({
    durationMs: 5000,
    seed: 4,
    arrivals: { kind: 'poisson', rate: 500 },
    sink: { write: { type: 'exponential', meanMs: 3 } },
  });
  const spec = empiricalFromSummary(run, 'stage_sink');
  const measured = (run.metrics.stage_sink as { mean: number }).mean;
  assert.ok(Math.abs(sampler(spec).mean / measured - 1) < 0.01);
  assert.throws(
    () => empiricalFromSummary(run, 'stage_nope'),
    (e: unknown) => e instanceof PipelabError && /stage_sink/.test((e as PipelabError).hint ?? ''),
  );
});

test.run();
