/**
 * Capacity sweep: one static configuration simulated at rising constant rates. Per rate the
 * figures an architect asks for (p50, p99, throughput, utilisation of every station and CPU host),
 * then the knee (the highest rate the configuration sustains: throughput ≥ 97 % of the offered
 * rate and no station or host ≥ 98 % busy, refined by bisection between the grid's rates) and the
 * component that saturates first there. Used by scenarios/production-prediction.ts's report.
 */
import type { TrendData } from '../../results/types.ts';
import type { PipelineSimConfig } from './config.ts';
import { simulate, type SimExtra } from './simulate.ts';

export interface SweepRow {
  rate: number;
  p50: number;
  p99: number;
  throughput: number;
  /** busy share per component: processors (consumer cores), modelServers, and each CPU host */
  utilisation: Record<string, number>;
  saturated: boolean;
}

export interface SweepResult {
  rows: SweepRow[];
  /** highest sustained rate (events/s); undefined if even the first rate saturates */
  knee?: number;
  /** the busiest component just beyond the knee */
  firstToSaturate?: string;
}

export interface SweepOptions {
  /** simulated time per rate (default 6 s, of which 2 s warm-up) */
  durationMs?: number;
  warmupMs?: number;
  /** bisection steps between the last sustained and the first saturated rate (default 6) */
  refine?: number;
}

const SUSTAINED = 0.97;
const BUSY = 0.98;

function gaugeMean(points: Array<Record<string, unknown>>, key: string, fromMs: number, t0: number): number {
  let s = 0,
    n = 0;
  for (const p of points) {
    const v = (p[key] as { value?: number } | undefined)?.value;
    if (v === undefined || (p.t as number) - t0 < fromMs) continue;
    s += v;
    n++;
  }
  return n ? s / n : 0;
}

export function sweepAt(base: Omit<PipelineSimConfig, 'arrivals' | 'durationMs'>, rate: number, o: SweepOptions = {}) {
  const durationMs = o.durationMs ?? 6000;
  const warmupMs = o.warmupMs ?? 2000;
  const s = simulate({
    ...base,
    durationMs,
    warmupMs,
    arrivals: { kind: 'constant', rate },
    stageHistograms: false,
    autoscaling: undefined,
    seriesIntervalMs: 1000, // per-second gauges: the utilisation after the warm-up
  });
  const e2e = s.metrics.e2e_latency as TrendData | undefined;
  const extra = (s.extra as { sim: SimExtra }).sim;
  const points = s.timeseries.points as unknown as Array<Record<string, unknown>>;
  const t0 = Date.parse(s.startedAt);
  const utilisation: Record<string, number> = {
    processors: gaugeMean(points, 'cpu_utilisation', warmupMs, t0),
    modelServers: gaugeMean(points, 'model_utilisation', warmupMs, t0),
  };
  for (const [name, h] of Object.entries(extra.hosts ?? {})) utilisation[`host ${name}`] = h.utilisation;
  // finished in the measured window, per second
  const throughput = ((e2e?.count ?? 0) / (durationMs - warmupMs)) * 1000;
  const saturated = throughput < SUSTAINED * rate || Object.values(utilisation).some((u) => u >= BUSY);
  return { rate, p50: e2e?.p50 ?? 0, p99: e2e?.p99 ?? 0, throughput, utilisation, saturated } satisfies SweepRow;
}

export function capacitySweep(
  base: Omit<PipelineSimConfig, 'arrivals' | 'durationMs'>,
  rates: number[],
  o: SweepOptions = {},
): SweepResult {
  const rows: SweepRow[] = [];
  for (const r of [...rates].sort((a, b) => a - b)) {
    const row = sweepAt(base, r, o);
    rows.push(row);
    if (row.saturated) break; // beyond the knee the backlog only grows: higher rates say nothing new
  }
  const firstBad = rows.findIndex((r) => r.saturated);
  if (firstBad < 0) return { rows };
  if (firstBad === 0) return { rows, firstToSaturate: busiest(rows[0]!) };
  let lo = rows[firstBad - 1]!.rate,
    hi = rows[firstBad]!.rate;
  let beyond = rows[firstBad]!;
  for (let i = 0; i < (o.refine ?? 6); i++) {
    const mid = Math.round((lo + hi) / 2);
    const row = sweepAt(base, mid, o);
    if (row.saturated) {
      hi = mid;
      beyond = row;
    } else lo = mid;
  }
  return { rows, knee: lo, firstToSaturate: busiest(beyond) };
}

function busiest(row: SweepRow): string {
  return Object.entries(row.utilisation).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}
