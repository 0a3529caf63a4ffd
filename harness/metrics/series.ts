/**
 * The registry's time series, stored by column: one Float64Array per field of each metric (a
 * trend's count, p50, p90, p95, p99, max; a counter's count; a rate's count and value; a gauge's
 * value), NaN where a point has no such field. A point is built as an object only when asked for.
 *
 * Bounded (maxPoints): when the series is full, neighbouring points merge in pairs and the
 * interval doubles, so a 30-minute or a 24-hour run keeps at most maxPoints points and the memory
 * they take stops growing. Runs shorter than maxPoints seconds keep every second as it was. A
 * merged point: counts add up; a rate's value is weighted by its counts; a gauge keeps the later
 * value; a trend's percentiles and max are the larger of the two (an upper envelope: a spike over
 * the SLO in either second still shows, the HDR histograms of old seconds being long gone).
 */
import type { MetricType, TimePointValue } from '../../results/types.ts';

const FIELDS: Record<MetricType, readonly (keyof TimePointValue)[]> = {
  trend: ['count', 'p50', 'p90', 'p95', 'p99', 'max'],
  counter: ['count'],
  rate: ['count', 'value'],
  gauge: ['value'],
};

const FIRST_CAPACITY = 64;

interface Column {
  key: string;
  type: MetricType;
  /** the first point index this metric has a value at (it was registered then) */
  start: number;
  data: Float64Array[];
}

export class Series {
  private readonly cols: Column[] = [];
  private readonly byKey = new Map<string, Column>();
  private capacity = 0;
  /** points stored */
  private n = 0;
  /** seconds per point */
  private secs = 1;
  /** seconds merged into the last point so far (< secs: it is still filling) */
  private lastSecs = 0;

  constructor(private readonly maxPoints: number) {
    if (!(maxPoints >= 2) || maxPoints % 2 !== 0)
      throw new Error(`time series: maxPoints must be an even number ≥ 2, got ${maxPoints}`);
  }

  /** ms per point: 1000 until the series first fills, then doubling */
  get intervalMs(): number {
    return this.secs * 1000;
  }

  /** the values of every metric for the next second, in the registry's order */
  push(values: readonly { key: string; type: MetricType; value: TimePointValue }[]): void {
    const merging = this.n > 0 && this.lastSecs < this.secs;
    if (!merging) {
      if (this.n === this.maxPoints) this.halve();
      this.reserve(this.n + 1);
      this.n++;
      this.lastSecs = 0;
    }
    const i = this.n - 1;
    for (const { key, type, value } of values) {
      const c = this.column(key, type, i);
      if (merging && i >= c.start) mergeInto(c, i, value);
      else for (let f = 0; f < c.data.length; f++) c.data[f]![i] = value[FIELDS[type][f]!] ?? Number.NaN;
    }
    this.lastSecs++;
  }

  /** point i as the registry hands it out: `{ t, [key]: value }` for keys in `order` present then */
  points(order: readonly string[]): { t: number; [key: string]: number | TimePointValue }[] {
    const out = [];
    const cols = order.map((k) => this.byKey.get(k)).filter((c): c is Column => c !== undefined);
    for (let i = 0; i < this.n; i++) {
      const p: { t: number; [key: string]: number | TimePointValue } = { t: i * this.secs * 1000 };
      for (const c of cols) {
        if (i < c.start) continue;
        const v: TimePointValue = {};
        const fields = FIELDS[c.type];
        for (let f = 0; f < fields.length; f++) {
          const x = c.data[f]![i]!;
          if (!Number.isNaN(x)) v[fields[f]!] = x;
        }
        p[c.key] = v;
      }
      out.push(p);
    }
    return out;
  }

  private column(key: string, type: MetricType, i: number): Column {
    let c = this.byKey.get(key);
    if (c) return c;
    c = { key, type, start: i, data: FIELDS[type].map(() => new Float64Array(this.capacity).fill(Number.NaN)) };
    this.cols.push(c);
    this.byKey.set(key, c);
    return c;
  }

  private reserve(size: number): void {
    if (size <= this.capacity) return;
    const cap = Math.min(this.maxPoints, Math.max(FIRST_CAPACITY, this.capacity * 2));
    for (const c of this.cols)
      c.data = c.data.map((old) => {
        const d = new Float64Array(cap).fill(Number.NaN);
        d.set(old.subarray(0, this.n));
        return d;
      });
    this.capacity = cap;
  }

  /** merge points in pairs (2i, 2i+1) into i: half as many points, twice as long */
  private halve(): void {
    const half = this.n / 2;
    for (const c of this.cols) {
      for (let i = 0; i < half; i++) {
        copy(c, 2 * i, i);
        mergeAt(c, i, 2 * i + 1);
      }
      for (const d of c.data) d.fill(Number.NaN, half);
      c.start = Math.floor(c.start / 2);
    }
    this.n = half;
    this.secs *= 2;
    this.lastSecs = this.secs;
  }
}

function copy(c: Column, from: number, to: number): void {
  for (const d of c.data) d[to] = d[from]!;
}

/** merges point j of column c into point i (i holds the earlier seconds) */
function mergeAt(c: Column, i: number, j: number): void {
  const v: TimePointValue = {};
  const fields = FIELDS[c.type];
  for (let f = 0; f < fields.length; f++) {
    const x = c.data[f]![j]!;
    if (!Number.isNaN(x)) v[fields[f]!] = x;
  }
  mergeInto(c, i, v);
}

/** folds value (a later second) into point i of column c */
function mergeInto(c: Column, i: number, value: TimePointValue): void {
  const fields = FIELDS[c.type];
  const d = c.data;
  const countA = c.type === 'gauge' ? 0 : d[0]![i]!;
  const countB = value.count;
  for (let f = 0; f < fields.length; f++) {
    const name = fields[f]!;
    const a = d[f]![i]!;
    const b = value[name];
    if (b === undefined || Number.isNaN(b)) continue;
    if (Number.isNaN(a)) {
      d[f]![i] = b;
      continue;
    }
    if (name === 'count') d[f]![i] = a + b;
    else if (name === 'value' && c.type === 'rate') {
      const w = (Number.isNaN(countA) ? 0 : countA) + (countB ?? 0);
      d[f]![i] = w > 0 ? (a * (Number.isNaN(countA) ? 0 : countA) + b * (countB ?? 0)) / w : a;
    } else if (name === 'value') d[f]![i] = b;
    else d[f]![i] = Math.max(a, b);
  }
}
