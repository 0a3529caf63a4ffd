/**
 * Per-metric state behind the registry: one class per k6 metric type. Each keeps
 *  - the current second (what is being recorded now),
 *  - the measured total (post-warm-up), folded in when a second closes,
 *  - an optional ring of the last N closed seconds (sliding windows for thresholds).
 * Nothing grows with the number of samples: the time series gets one small point per second.
 *
 * The registry owns the clock: it calls close(sec, mode) for every second, in order.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { CounterData, GaugeData, MetricData, MetricType, RateData, TimePointValue } from '../../results/types.ts';
import { newHistogram, toMicros, type HdrBuild } from '../../results/hdr.ts';
import { addMoments, emptyMoments, trendData, type Moments } from './moments.ts';

/** how a closing second relates to the warm-up: all before it, all after it, or straddling it */
export type WarmupMode = 'before' | 'after' | 'straddle';

interface MetricState {
  readonly key: string;
  readonly type: MetricType;
  /** close the current second; returns its time-series value */
  close(sec: number, mode: WarmupMode): TimePointValue;
  /** figures for the measured window up to now (current second included when measured) */
  data(measuredSeconds: number, curMode: WarmupMode): MetricData;
  /** figures for retained closed seconds in [fromSec, toSec) that are fully measured */
  window(fromSec: number, toSec: number, warmupSec: number): MetricData;
  setRetention(seconds: number): void;
  destroy(): void;
}

/** a fixed-capacity ring of closed seconds, oldest overwritten */
class Ring<T extends { sec: number }> {
  items: T[] = [];
  next = 0;
  constructor(public cap: number) {}
  /** returns the evicted item, if any, so its storage can be reused */
  push(item: T): T | undefined {
    if (this.cap <= 0) return item;
    if (this.items.length < this.cap) {
      this.items.push(item);
      return undefined;
    }
    const old = this.items[this.next]!;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.cap;
    return old;
  }
  *range(fromSec: number, toSec: number): Iterable<T> {
    for (const it of this.items) if (it.sec >= fromSec && it.sec < toSec) yield it;
  }
}

interface TrendSecond extends Moments {
  sec: number;
  hist: Histogram;
}

export class TrendState implements MetricState {
  readonly type = 'trend' as const;
  private cur: Histogram;
  private curM: Moments = emptyMoments();
  private total: Histogram;
  private totM: Moments = emptyMoments();
  private ring = new Ring<TrendSecond>(0);
  private pool: Histogram[] = [];
  private all: Histogram[] = [];
  /** set by the registry while the current second straddles the warm-up boundary */
  direct = false;

  constructor(
    readonly key: string,
    private readonly build: HdrBuild,
  ) {
    this.cur = this.alloc();
    this.total = this.alloc();
  }

  private alloc(): Histogram {
    const h = this.pool.pop();
    if (h) return h;
    const n = newHistogram(this.build);
    this.all.push(n);
    return n;
  }

  add(valueMs: number, postWarmup: boolean): void {
    const us = toMicros(valueMs);
    this.cur.recordValue(us);
    const m = this.curM;
    m.count++;
    m.sum += valueMs;
    m.sumSq += valueMs * valueMs;
    if (valueMs < m.min) m.min = valueMs;
    if (valueMs > m.max) m.max = valueMs;
    if (this.direct && postWarmup) {
      // the second holding the warm-up boundary: measured samples go straight to the total
      this.total.recordValue(us);
      const t = this.totM;
      t.count++;
      t.sum += valueMs;
      t.sumSq += valueMs * valueMs;
      if (valueMs < t.min) t.min = valueMs;
      if (valueMs > t.max) t.max = valueMs;
    }
  }

  close(sec: number, mode: WarmupMode): TimePointValue {
    const h = this.cur;
    const m = this.curM;
    if (mode === 'after' && m.count > 0) {
      this.total.add(h);
      addMoments(this.totM, m);
    }
    const point: TimePointValue =
      m.count === 0
        ? { count: 0 }
        : {
            count: m.count,
            p50: h.getValueAtPercentile(50) / 1000,
            p90: h.getValueAtPercentile(90) / 1000,
            p95: h.getValueAtPercentile(95) / 1000,
            p99: h.getValueAtPercentile(99) / 1000,
            max: m.max,
          };
    if (this.ring.cap > 0 && mode === 'after') {
      const evicted = this.ring.push({ sec, hist: h, ...m });
      this.cur = evicted ? evicted.hist : this.alloc();
      if (evicted) this.cur.reset();
    } else if (m.count > 0) {
      h.reset();
    }
    this.curM = emptyMoments();
    return point;
  }

  data(_measuredSeconds: number, curMode: WarmupMode): MetricData {
    if (curMode !== 'after' || this.curM.count === 0) return trendData(this.total, this.totM);
    const tmp = this.alloc();
    try {
      tmp.add(this.total);
      tmp.add(this.cur);
      const m = { ...this.totM };
      addMoments(m, this.curM);
      return trendData(tmp, m);
    } finally {
      tmp.reset();
      this.pool.push(tmp);
    }
  }

  window(fromSec: number, toSec: number, warmupSec: number): MetricData {
    const tmp = this.alloc();
    try {
      const m = emptyMoments();
      for (const s of this.ring.range(Math.max(fromSec, warmupSec), toSec)) {
        if (s.count === 0) continue;
        tmp.add(s.hist);
        addMoments(m, s);
      }
      return trendData(tmp, m);
    } finally {
      tmp.reset();
      this.pool.push(tmp);
    }
  }

  setRetention(seconds: number): void {
    if (seconds <= this.ring.cap) return;
    const old = this.ring;
    this.ring = new Ring<TrendSecond>(seconds);
    for (const s of [...old.items.slice(old.next), ...old.items.slice(0, old.next)]) this.ring.push(s);
  }

  destroy(): void {
    for (const h of this.all) h.destroy();
    this.all = [];
    this.pool = [];
  }
}

interface CountSecond {
  sec: number;
  count: number;
}

export class CounterState implements MetricState {
  readonly type = 'counter' as const;
  private cur = 0;
  private total = 0;
  private ring = new Ring<CountSecond>(0);
  direct = false;
  constructor(readonly key: string) {}

  add(n: number, postWarmup: boolean): void {
    this.cur += n;
    if (this.direct && postWarmup) this.total += n;
  }
  close(sec: number, mode: WarmupMode): TimePointValue {
    const count = this.cur;
    if (mode === 'after') {
      this.total += count;
      this.ring.push({ sec, count });
    }
    this.cur = 0;
    return { count };
  }
  data(measuredSeconds: number, curMode: WarmupMode): CounterData {
    const count = this.total + (curMode === 'after' ? this.cur : 0);
    return { type: 'counter', count, rate: measuredSeconds > 0 ? count / measuredSeconds : 0 };
  }
  window(fromSec: number, toSec: number, warmupSec: number): CounterData {
    let count = 0;
    const from = Math.max(fromSec, warmupSec);
    for (const s of this.ring.range(from, toSec)) count += s.count;
    const secs = toSec - from;
    return { type: 'counter', count, rate: secs > 0 ? count / secs : 0 };
  }
  setRetention(seconds: number): void {
    if (seconds > this.ring.cap) this.ring = resize(this.ring, seconds);
  }
  destroy(): void {}
}

interface RateSecond {
  sec: number;
  passes: number;
  fails: number;
}

export class RateState implements MetricState {
  readonly type = 'rate' as const;
  private curPasses = 0;
  private curFails = 0;
  private passes = 0;
  private fails = 0;
  private ring = new Ring<RateSecond>(0);
  direct = false;
  constructor(readonly key: string) {}

  add(sample: boolean, postWarmup: boolean): void {
    if (sample) this.curPasses++;
    else this.curFails++;
    if (this.direct && postWarmup) {
      if (sample) this.passes++;
      else this.fails++;
    }
  }
  close(sec: number, mode: WarmupMode): TimePointValue {
    const p = this.curPasses,
      f = this.curFails;
    if (mode === 'after') {
      this.passes += p;
      this.fails += f;
      this.ring.push({ sec, passes: p, fails: f });
    }
    this.curPasses = this.curFails = 0;
    return p + f === 0 ? { count: 0 } : { count: p + f, value: p / (p + f) };
  }
  data(_measuredSeconds: number, curMode: WarmupMode): RateData {
    const cur = curMode === 'after';
    return rateData(this.passes + (cur ? this.curPasses : 0), this.fails + (cur ? this.curFails : 0));
  }
  window(fromSec: number, toSec: number, warmupSec: number): RateData {
    let p = 0,
      f = 0;
    for (const s of this.ring.range(Math.max(fromSec, warmupSec), toSec)) {
      p += s.passes;
      f += s.fails;
    }
    return rateData(p, f);
  }
  setRetention(seconds: number): void {
    if (seconds > this.ring.cap) this.ring = resize(this.ring, seconds);
  }
  destroy(): void {}
}

const rateData = (passes: number, fails: number): RateData => ({
  type: 'rate',
  passes,
  fails,
  rate: passes + fails === 0 ? 0 : passes / (passes + fails),
});

interface GaugeSecond {
  sec: number;
  value: number;
  min: number;
  max: number;
}

/**
 * Gauges are state (e.g. active VUs): the last value set carries over seconds and the warm-up
 * boundary, so a gauge set once during warm-up still has a value in the summary.
 */
export class GaugeState implements MetricState {
  readonly type = 'gauge' as const;
  private value = NaN;
  private curMin = Infinity;
  private curMax = -Infinity;
  private min = Infinity;
  private max = -Infinity;
  private ring = new Ring<GaugeSecond>(0);
  direct = false;
  constructor(readonly key: string) {}

  set(v: number, postWarmup: boolean): void {
    this.value = v;
    if (v < this.curMin) this.curMin = v;
    if (v > this.curMax) this.curMax = v;
    if (this.direct && postWarmup) {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }
  close(sec: number, mode: WarmupMode): TimePointValue {
    const has = !Number.isNaN(this.value);
    // a second with no set() still had the carried value all along
    if (has && this.curMin === Infinity) this.curMin = this.curMax = this.value;
    if (mode === 'after' && has) {
      if (this.curMin < this.min) this.min = this.curMin;
      if (this.curMax > this.max) this.max = this.curMax;
      this.ring.push({ sec, value: this.value, min: this.curMin, max: this.curMax });
    }
    if (mode === 'straddle' && has && this.min === Infinity) this.min = this.max = this.value;
    // the next second starts with the carried value in effect
    this.curMin = has ? this.value : Infinity;
    this.curMax = has ? this.value : -Infinity;
    return has ? { value: this.value } : {};
  }
  data(_measuredSeconds: number, curMode: WarmupMode): GaugeData {
    if (Number.isNaN(this.value)) return { type: 'gauge', value: 0, min: 0, max: 0 };
    let min = this.min,
      max = this.max;
    if (curMode === 'after') {
      min = Math.min(min, this.curMin, this.value);
      max = Math.max(max, this.curMax, this.value);
    }
    if (min === Infinity) min = max = this.value;
    return { type: 'gauge', value: this.value, min, max };
  }
  window(fromSec: number, toSec: number, warmupSec: number): GaugeData {
    let min = Infinity,
      max = -Infinity,
      value = NaN,
      last = -1;
    for (const s of this.ring.range(Math.max(fromSec, warmupSec), toSec)) {
      if (s.min < min) min = s.min;
      if (s.max > max) max = s.max;
      if (s.sec > last) {
        last = s.sec;
        value = s.value;
      }
    }
    if (last < 0) return { type: 'gauge', value: 0, min: 0, max: 0 };
    return { type: 'gauge', value, min, max };
  }
  setRetention(seconds: number): void {
    if (seconds > this.ring.cap) this.ring = resize(this.ring, seconds);
  }
  destroy(): void {}
}

function resize<T extends { sec: number }>(old: Ring<T>, cap: number): Ring<T> {
  const r = new Ring<T>(cap);
  for (const s of [...old.items.slice(old.next), ...old.items.slice(0, old.next)]) r.push(s);
  return r;
}
