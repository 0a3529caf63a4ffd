/**
 * Memory growth: the slope of RSS and heap over the measured window, in MB per minute, from
 * samples on a virtual clock — a leak's steady slope is found through GC's sawtooth, the warm-up
 * is left out, and a window under a minute reports nothing rather than a noisy figure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRegistry } from '../../../harness/metrics/index.ts';
import { slopePerMinute } from '../../../harness/metrics/memory.ts';
import { startSystemSampler } from '../../../harness/metrics/system.ts';
import type { GaugeData } from '../../../results/types.ts';

test('slopePerMinute: a line is exact, a flat series is 0', () => {
  const ts = [0, 30_000, 60_000, 90_000];
  assert.is(slopePerMinute(ts, [100, 101, 102, 103]), 2);
  assert.is(slopePerMinute(ts, [5, 5, 5, 5]), 0);
  assert.is(slopePerMinute([0], [1]), 0);
});

/** a sampler on a virtual clock fed RSS and heap by `mem(tMs)` once a second for `seconds` */
function run(seconds: number, warmupMs: number, mem: (t: number) => { rss: number; heapUsed: number }) {
  const registry = createRegistry();
  let t = 0;
  const s = startSystemSampler({ timer: false, registry, measureFromMs: warmupMs, memoryUsage: () => mem(t) });
  for (t = 0; t <= seconds * 1000; t += 1000) s.sample(t);
  const summary = s.stop();
  const snap = registry.snapshot(seconds * 1000);
  registry.close();
  return { summary, snap };
}

const MB = 1024 * 1024;

test('a 3 MB/min leak under a GC sawtooth is found; the warm-up ramp is left out', () => {
  const { summary, snap } = run(600, 60_000, (t) => {
    const warm = t < 60_000 ? (60_000 - t) / 1000 : 0; // RSS falling during the warm-up: not counted
    const saw = ((t / 1000) % 20) * 2; // heap grows 2 MB/s then GC drops it, every 20 s
    return { rss: (200 + warm + (3 * t) / 60_000) * MB, heapUsed: (50 + saw) * MB };
  });
  assert.ok(Math.abs(summary.rssMb.growthPerMin! - 3) < 0.01, `rss ${summary.rssMb.growthPerMin}`);
  assert.ok(Math.abs(summary.heapUsedMb.growthPerMin!) < 0.2, `heap ${summary.heapUsedMb.growthPerMin}`);
  assert.ok(Math.abs((snap.rss_growth_mb_per_min as GaugeData).value - 3) < 0.01);
  assert.ok(Math.abs((snap.heap_growth_mb_per_min as GaugeData).value) < 0.2);
});

test('under a minute of measured window: no growth figure and no gauge', () => {
  const { summary, snap } = run(50, 0, () => ({ rss: 100 * MB, heapUsed: 10 * MB }));
  assert.is(summary.rssMb.growthPerMin, undefined);
  assert.is(snap.rss_growth_mb_per_min, undefined);
});

test.run();
