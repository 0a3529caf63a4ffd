/**
 * The search's logic on probes whose verdict is a function of the rate (and, for the noisy edge,
 * of the seed): where it ends, what it reports, and that a lucky pass near the edge cannot stand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ProbeOutcome, roundRate, searchCapacity } from '../../../harness/capacity/search.ts';
import { isPipelabError } from '../../../errors.ts';

const outcome = (ok: boolean): ProbeOutcome => ({
  ok,
  failures: ok ? [] : ['slo'],
  reasons: ok ? [] : ['too slow'],
  observed: ok ? 100 : 900,
  latency: { p50: 1, p90: 1, p99: 1, max: 1, count: 1 },
  achievedPerSec: 1,
  backlogSlopePerSec: 0,
  dropped: 0,
  lost: 0,
  errorRate: 0,
  generatorSaturated: false,
  wallMs: 0,
  durationMs: 1000,
});
const edge = (limit: number) => async (rate: number) => outcome(rate <= limit);

test('ramp doubles until a failure, bisection narrows to the tolerance, the answer is confirmed', async () => {
  const r = await searchCapacity(edge(730), { startRate: 100, tolerance: 0.05, confirmations: 2 });
  assert.ok(r.stable);
  assert.equal(
    r.probes.filter((p) => p.phase === 'ramp').map((p) => p.rate),
    [100, 200, 400, 800],
  );
  assert.ok(r.capacityPerSec! <= 730 && r.capacityPerSec! >= 730 * 0.95, String(r.capacityPerSec));
  assert.ok((r.failedAtPerSec! - r.capacityPerSec!) / r.failedAtPerSec! <= 0.05);
  assert.is(r.probes.filter((p) => p.rate === r.capacityPerSec).length, 2);
  assert.is(r.probes.at(-1)!.phase, 'confirm');
  // each probe has its own seed
  assert.equal(
    r.probes.map((p) => p.seed),
    r.probes.map((_, i) => 1 + i),
  );
});

test('a start above the edge ramps down by the factor', async () => {
  const r = await searchCapacity(edge(30), { startRate: 1000, tolerance: 0.1, confirmations: 1 });
  assert.equal(
    r.probes.slice(0, 6).map((p) => p.rate),
    [1000, 500, 250, 125, 62.5, 31.3],
  );
  assert.ok(r.stable);
  assert.ok(r.capacityPerSec! <= 30 && r.capacityPerSec! > 27);
});

test('a pass that fails on its repeat moves the top of the bracket down to it', async () => {
  // 700 passes the first time only (a lucky probe), everything up to 650 always
  let tries700 = 0;
  const r = await searchCapacity(
    async (rate) => {
      if (rate === 700) return outcome(tries700++ === 0);
      return outcome(rate <= 650);
    },
    { startRate: 700, tolerance: 0.05, confirmations: 2, factor: 2 },
  );
  assert.ok(r.stable);
  assert.ok(r.capacityPerSec! <= 650, `capacity ${r.capacityPerSec}`);
  assert.ok(r.probes.some((p) => p.rate === 700 && !p.ok && p.phase === 'confirm'));
  assert.ok(r.probes.every((p) => p.rate !== r.capacityPerSec || p.ok));
});

test('limits: no rate passes (min-rate), nothing fails (max-rate), out of probes (max-probes)', async () => {
  const none = await searchCapacity(edge(0), { startRate: 100, minRate: 10 });
  assert.is(none.capacityPerSec, null);
  assert.is(none.limitedBy, 'min-rate');
  const all = await searchCapacity(edge(Infinity), { startRate: 100, maxRate: 1000 });
  assert.is(all.capacityPerSec, 1000);
  assert.is(all.failedAtPerSec, null);
  assert.is(all.limitedBy, 'max-rate');
  const few = await searchCapacity(edge(730), { startRate: 100, maxProbes: 6 });
  assert.is(few.probes.length, 6);
  assert.is(few.limitedBy, 'max-probes');
  assert.not.ok(few.stable);
});

test('bad options are a PipelabError naming each one', async () => {
  try {
    await searchCapacity(edge(1), { startRate: -1, tolerance: 2, confirmations: 0 });
    assert.unreachable();
  } catch (e) {
    assert.ok(isPipelabError(e));
    assert.equal(
      (e.issues ?? []).map((i) => i.path),
      ['startRate', 'tolerance', 'confirmations'],
    );
  }
});

test('rates keep 3 significant figures', () => {
  assert.is(roundRate(1234.5), 1230);
  assert.is(roundRate(62.5), 62.5);
  assert.is(roundRate(31.25), 31.3);
});

test.run();
