/**
 * Memory growth over a run: the least-squares slope of RSS and heap used against time over the
 * measured window, in MB per minute — what a soak test gates on (`rss_growth_mb_per_min:
 * ['value<2']`). A leak shows as a steady positive slope; GC's sawtooth averages out over a window
 * of many cycles, so the figure needs a minute of samples at least and is left out below that.
 */
import { slope } from '../../results/slope.ts';
import type { RunSummary } from '../../results/types.ts';
import type { MetricsRegistry } from './api.ts';

/** the shortest measured window a slope is reported for */
const MIN_GROWTH_WINDOW_MS = 60_000;

interface Point {
  t: number;
  rssMb: number;
  heapUsedMb: number;
}

/** least-squares slope of y over t (ms), per minute */
export function slopePerMinute(ts: readonly number[], ys: readonly number[]): number {
  return slope(ts, ys) * 60_000;
}

/** the summary with growthPerMin on RSS and heap, and their gauges, when the window is long enough */
export function withGrowth(
  s: RunSummary['system'],
  points: readonly Point[],
  fromMs: number,
  registry: MetricsRegistry | undefined,
): RunSummary['system'] {
  const win = points.filter((p) => p.t >= fromMs);
  if (win.length < 2 || win[win.length - 1]!.t - win[0]!.t < MIN_GROWTH_WINDOW_MS) return s;
  const ts = win.map((p) => p.t);
  const rss = slopePerMinute(
    ts,
    win.map((p) => p.rssMb),
  );
  const heap = slopePerMinute(
    ts,
    win.map((p) => p.heapUsedMb),
  );
  const at = ts[ts.length - 1]!;
  registry?.gauge('rss_growth_mb_per_min').set(rss, at);
  registry?.gauge('heap_growth_mb_per_min').set(heap, at);
  return { ...s, rssMb: { ...s.rssMb, growthPerMin: rss }, heapUsedMb: { ...s.heapUsedMb, growthPerMin: heap } };
}
