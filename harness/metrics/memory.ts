/**
 * Memory growth over a run: the least-squares slope of RSS and heap against time over the
 * measured window, in MB per minute — what a soak test gates on (`rss_growth_mb_per_min:
 * ['value<2']`). The figure needs a minute of samples at least and is left out below that.
 *
 * RSS is fitted on the once-a-second samples. The heap is fitted on its floor: the old generation's
 * used size read right after each major GC (mark-sweep-compact), when only live objects are left.
 * Raw heapUsed is a sawtooth whose teeth are as long as V8 likes (tens of seconds, minutes on a big
 * heap), so a window holding one long tooth fits its rising edge as growth; the floor after a full
 * GC moves only when the live set does. With fewer than MIN_MAJOR_GCS major GCs in the window (a
 * short or quiet run), the heap falls back to the raw samples, and the summary says which was used.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { slope } from '../../results/slope.ts';
import type { RunSummary } from '../../results/types.ts';
import type { MetricsRegistry } from './api.ts';

/** the shortest measured window a slope is reported for */
const MIN_GROWTH_WINDOW_MS = 60_000;
/** the fewest major GCs in the window (spanning a minute) for the heap to be fitted on its floor */
const MIN_MAJOR_GCS = 4;

const MB = 1024 * 1024;

interface Point {
  t: number;
  rssMb: number;
  heapUsedMb: number;
}

/** the heap's floor: old-generation MB used right after a major GC, at run time t */
export interface HeapFloorPoint {
  t: number;
  heapMb: number;
}

/** calls onMajor(heapMb) after each major GC until the returned function is called */
export type MajorGcObserver = (onMajor: (heapMb: number, nowMs?: number) => void) => () => void;

/** MB used by every heap space but the young generation (empty, or nearly, right after a full GC) */
function oldGenerationMb(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) used += s.space_used_size;
  return used / MB;
}

/**
 * The real observer: perf_hooks 'gc' entries of kind NODE_PERFORMANCE_GC_MAJOR. Entries arrive in
 * batches shortly after the GC; the old generation barely moves in between (scavenges promote
 * little), so one reading per batch that held a major GC is the floor.
 */
export const observeMajorGc: MajorGcObserver = (onMajor) => {
  const obs = new PerformanceObserver((list) => {
    let major = false;
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } | null }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major = true;
    }
    if (major) onMajor(oldGenerationMb());
  });
  try {
    obs.observe({ entryTypes: ['gc'] });
  } catch {
    return () => {};
  }
  return () => obs.disconnect();
};

/** least-squares slope of y over t (ms), per minute */
export function slopePerMinute(ts: readonly number[], ys: readonly number[]): number {
  return slope(ts, ys) * 60_000;
}

/** the heap slope from the floor after major GCs when there are enough of them in the window */
function heapSlope(
  win: readonly Point[],
  floor: readonly HeapFloorPoint[],
  fromMs: number,
): { perMin: number; basis: 'after-major-gc' | 'samples' } {
  const f = floor.filter((p) => p.t >= fromMs);
  if (f.length >= MIN_MAJOR_GCS && f[f.length - 1]!.t - f[0]!.t >= MIN_GROWTH_WINDOW_MS) {
    return {
      perMin: slopePerMinute(
        f.map((p) => p.t),
        f.map((p) => p.heapMb),
      ),
      basis: 'after-major-gc',
    };
  }
  return {
    perMin: slopePerMinute(
      win.map((p) => p.t),
      win.map((p) => p.heapUsedMb),
    ),
    basis: 'samples',
  };
}

/** the summary with growthPerMin on RSS and heap, and their gauges, when the window is long enough */
export function withGrowth(
  s: RunSummary['system'],
  points: readonly Point[],
  fromMs: number,
  registry: MetricsRegistry | undefined,
  floor: readonly HeapFloorPoint[] = [],
): RunSummary['system'] {
  const win = points.filter((p) => p.t >= fromMs);
  if (win.length < 2 || win[win.length - 1]!.t - win[0]!.t < MIN_GROWTH_WINDOW_MS) return s;
  const ts = win.map((p) => p.t);
  const rss = slopePerMinute(
    ts,
    win.map((p) => p.rssMb),
  );
  const heap = heapSlope(win, floor, fromMs);
  const at = ts[ts.length - 1]!;
  registry?.gauge('rss_growth_mb_per_min').set(rss, at);
  registry?.gauge('heap_growth_mb_per_min').set(heap.perMin, at);
  return {
    ...s,
    rssMb: { ...s.rssMb, growthPerMin: rss },
    heapUsedMb: { ...s.heapUsedMb, growthPerMin: heap.perMin, growthBasis: heap.basis },
  };
}
