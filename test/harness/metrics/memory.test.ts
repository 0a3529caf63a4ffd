/**
 * Memory growth: the slope of RSS and heap over the measured window, in MB per minute, from
 * samples on a virtual clock — a leak's steady slope is found through GC's sawtooth, the warm-up
 * is left out, and a window under a minute reports nothing rather than a noisy figure.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRegistry } from '../../../harness/metrics/index.ts';
import { type MajorGcObserver, observeMajorGc, slopePerMinute } from '../../../harness/metrics/memory.ts';
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

/**
 * A sampler fed a heap sawtooth once a second: the heap climbs `perSec` MB/s from a floor and a
 * major GC brings it back to the floor every `cycleS` seconds; `floorAt(t)` is the live set.
 */
function sawtooth(seconds: number, cycleS: number, perSec: number, floorAt: (t: number) => number) {
  let onMajor: ((heapMb: number, nowMs?: number) => void) | undefined;
  const observe: MajorGcObserver = (cb) => {
    onMajor = cb;
    return () => (onMajor = undefined);
  };
  let t = 0;
  const heap = (): number => floorAt(t) + perSec * ((t / 1000) % cycleS);
  const s = startSystemSampler({
    timer: false,
    measureFromMs: 120_000,
    observeMajorGc: observe,
    memoryUsage: () => ({ rss: 300 * MB, heapUsed: heap() * MB }),
  });
  for (t = 0; t <= seconds * 1000; t += 1000) {
    if (t > 0 && (t / 1000) % cycleS === 0) onMajor?.(floorAt(t), t);
    s.sample(t);
  }
  const heapUsedMb = s.stop().heapUsedMb;
  const win = s.points().filter((p) => p.t >= 120_000);
  const rawPerMin = slopePerMinute(
    win.map((p) => p.t),
    win.map((p) => p.heapUsedMb),
  );
  return { ...heapUsedMb, rawPerMin };
}

test('heap growth is fitted on the floor after major GCs: long teeth over a flat floor are ~0', () => {
  // 100 s teeth rising 1 MB/s over a flat 150 MB floor, an 8-minute window from minute 2
  const flat = sawtooth(600, 100, 1, () => 150);
  assert.is(flat.growthBasis, 'after-major-gc');
  assert.ok(Math.abs(flat.growthPerMin!) < 0.01, `flat ${flat.growthPerMin}`);
  // the raw samples of the same run: where the window cuts the teeth reads as growth
  assert.ok(Math.abs(flat.rawPerMin) > 1, `raw ${flat.rawPerMin}`);
});

test('a 2 MB/min leak under the same teeth is found on the floor', () => {
  const leak = sawtooth(600, 100, 1, (t) => 150 + (2 * t) / 60_000);
  assert.is(leak.growthBasis, 'after-major-gc');
  assert.ok(Math.abs(leak.growthPerMin! - 2) < 0.01, `leak ${leak.growthPerMin}`);
});

test('fewer than 4 major GCs in the window: the heap is fitted on the samples, and says so', () => {
  // one GC every 200 s: 2 in the measured window
  const few = sawtooth(600, 200, 0.1, () => 150);
  assert.is(few.growthBasis, 'samples');
  assert.ok(few.growthPerMin! > 0, `${few.growthPerMin}`);
});

test('the real observer reports the old generation after a forced major GC', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const seen: number[] = [];
  const stop = observeMajorGc((mb) => seen.push(mb));
  try {
    for (let i = 0; i < 50 && seen.length === 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    stop();
  }
  assert.ok(seen.length > 0, 'no major GC observed');
  assert.ok(seen[0]! > 0 && seen[0]! < 4096, `${seen[0]} MB`);
});

test('under a minute of measured window: no growth figure and no gauge', () => {
  const { summary, snap } = run(50, 0, () => ({ rss: 100 * MB, heapUsed: 10 * MB }));
  assert.is(summary.rssMb.growthPerMin, undefined);
  assert.is(snap.rss_growth_mb_per_min, undefined);
});

test.run();
