/**
 * A recording MetricsRegistry for executor tests: keeps every sample so tests can count and
 * inspect them (the real registry keeps histograms only). Percentiles are exact (sorted samples).
 */
import type { MetricsRegistry, Tags } from '../../../harness/metrics/api.ts';
import type { MetricData, MetricType, TimePoint } from '../../../results/types.ts';

export interface Sample {
  name: string;
  type: MetricType;
  value: number;
  t: number;
  tags: Tags;
}

export class FakeRegistry implements MetricsRegistry {
  readonly samples: Sample[] = [];
  private readonly types = new Map<string, MetricType>();
  warmupMs = 0;

  private reg(name: string, type: MetricType): void {
    if (!this.types.has(name)) this.types.set(name, type);
  }
  trend(name: string) {
    this.reg(name, 'trend');
    return {
      name,
      add: (v: number, t: number, tags: Tags = {}) =>
        void this.samples.push({ name, type: 'trend', value: v, t, tags }),
    };
  }
  counter(name: string) {
    this.reg(name, 'counter');
    return {
      name,
      add: (v: number, t: number, tags: Tags = {}) =>
        void this.samples.push({ name, type: 'counter', value: v, t, tags }),
    };
  }
  rate(name: string) {
    this.reg(name, 'rate');
    return {
      name,
      add: (v: boolean, t: number, tags: Tags = {}) =>
        void this.samples.push({ name, type: 'rate', value: v ? 1 : 0, t, tags }),
    };
  }
  gauge(name: string) {
    this.reg(name, 'gauge');
    return {
      name,
      set: (v: number, t: number, tags: Tags = {}) =>
        void this.samples.push({ name, type: 'gauge', value: v, t, tags }),
    };
  }
  list() {
    return [...this.types].map(([name, type]) => ({ name, type }));
  }
  track(name: string, filter: Tags): string {
    return `${name}{${Object.entries(filter)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')}}`;
  }
  setWarmup(ms: number): void {
    this.warmupMs = ms;
  }
  of(name: string): Sample[] {
    return this.samples.filter((s) => s.name === name);
  }
  values(name: string): number[] {
    return this.of(name).map((s) => s.value);
  }
  sum(name: string): number {
    return this.values(name).reduce((a, b) => a + b, 0);
  }
  /** exact percentile of a trend's samples (nearest rank) */
  percentile(name: string, p: number): number {
    const v = this.values(name).sort((a, b) => a - b);
    if (v.length === 0) return 0;
    return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] as number;
  }
  snapshot(): Record<string, MetricData> {
    const out: Record<string, MetricData> = {};
    for (const [name, type] of this.types) {
      const v = this.of(name)
        .filter((s) => s.t >= this.warmupMs)
        .map((s) => s.value);
      if (type === 'counter') out[name] = { type, count: v.reduce((a, b) => a + b, 0), rate: 0 };
      else if (type === 'rate') {
        const passes = v.filter((x) => x).length;
        out[name] = { type, passes, fails: v.length - passes, rate: v.length ? passes / v.length : 0 };
      } else if (type === 'gauge') out[name] = { type, value: v.at(-1) ?? 0, min: Math.min(...v), max: Math.max(...v) };
      else {
        const p = (q: number) => this.percentile(name, q);
        out[name] = {
          type,
          unit: 'ms',
          count: v.length,
          min: Math.min(...v),
          max: Math.max(...v),
          mean: v.reduce((a, b) => a + b, 0) / (v.length || 1),
          stdev: 0,
          p50: p(50),
          p90: p(90),
          p95: p(95),
          p99: p(99),
          'p99.9': p(99.9),
          hdr: '',
        };
      }
    }
    return out;
  }
  window(): MetricData | undefined {
    return undefined;
  }
  retainWindow(): void {}
  timeseries(): TimePoint[] {
    return [];
  }
}
