/**
 * The metrics registry (contract: ./api.ts). k6 semantics:
 *  - a tagged sample counts toward the untagged metric and toward every tracked sub-metric
 *    `name{k:v,...}` whose filter it matches (all filter tags equal);
 *  - warm-up samples are kept out of snapshot() and window() but stay in the time series.
 *
 * The registry owns a 1-second clock driven by the nowMs callers pass (so a virtual clock
 * works): when time reaches a new second, every metric closes the previous one, which yields
 * one small time-series point and folds the second into the measured total (and into the
 * sliding-window ring when thresholds asked for one). Samples whose nowMs lies in a second
 * already closed (slightly late callers) count toward the current second.
 */
import { PipelabError } from '../../errors.ts';
import type { MetricData, MetricType, TimePoint, TimePointValue } from '../../results/types.ts';
import type { CounterMetric, GaugeMetric, MetricsRegistry, RateMetric, Tags, TrendMetric } from './api.ts';
import type { HdrBuild } from '../../results/hdr.ts';
import { Series } from './series.ts';
import { CounterState, GaugeState, RateState, TrendState, type WarmupMode } from './states.ts';

/** the last one-second points kept as they are, for secondsSince() (live observers) */
const RECENT_SECONDS = 120;
/** an even number of points no run reaches: the unbounded default */
const UNBOUNDED = 2 ** 52;

export interface RegistryOptions {
  /**
   * HDR build to record into: 'wasm' (default; ~3-4x faster per value) or 'js'. Either way the
   * encoded histograms are identical and decode with the helpers in ./hdr.ts.
   */
  hdr?: HdrBuild;
  /** warm-up in ms (same as setWarmup) */
  warmupMs?: number;
  /**
   * the most points the time series keeps (an even number): past it, neighbouring points merge in
   * pairs and `intervalMs` doubles (./series.ts), so a long run's series stops growing. Default:
   * unbounded, one point per second (consumers that read points without intervalMs)
   */
  maxPoints?: number;
}

/** the registry plus cleanup: WASM histograms live outside the JS heap, so close() frees them */
export interface Registry extends MetricsRegistry {
  /** free HDR memory; the registry must not be used afterwards. Safe to call twice. */
  close(): void;
  /** ms per time-series point: 1000, doubled each time a bounded series (maxPoints) fills */
  readonly intervalMs: number;
}

type AnyState = TrendState | CounterState | RateState | GaugeState;

interface Sub {
  filter: [string, string][];
  state: AnyState;
}

interface Entry {
  type: MetricType;
  state: AnyState;
  subs: Sub[];
  /** the handle trend()/counter()/rate()/gauge() return, made once: callers may ask per sample */
  handle?: TrendMetric | CounterMetric | RateMetric | GaugeMetric;
}

// WASM histograms are freed when a registry is garbage-collected without close()
const finalizer = new FinalizationRegistry<{ states: AnyState[] }>((held) => {
  for (const s of held.states) s.destroy();
});

export function createRegistry(opts: RegistryOptions = {}): Registry {
  return new RegistryImpl(opts);
}

/** `name{k:v,...}` in the filter's own order (the key a user writes in a threshold) */
export function subMetricKey(name: string, filter: Tags): string {
  const parts = Object.entries(filter).map(([k, v]) => `${k}:${v}`);
  return `${name}{${parts.join(',')}}`;
}

class RegistryImpl implements Registry {
  private readonly build: HdrBuild;
  private readonly entries = new Map<string, Entry>();
  /** tracked filters by metric name, kept for metrics not registered yet */
  private readonly tracked = new Map<string, Map<string, Tags>>();
  /** every state, in registration order (sub-metrics right after their metric) */
  private readonly order: AnyState[] = [];
  private readonly held = { states: [] as AnyState[] };
  private warmup = 0;
  private retainSeconds = 0;
  /** per-metric retention (retainWindow with a key): only the metrics a windowed threshold reads */
  private retainKeys = new Map<string, number>();
  private curSec = 0;
  private readonly series: Series;
  /** the last RECENT_SECONDS one-second points (ring), whatever the series' interval */
  private readonly recent: TimePoint[] = [];
  private closed = false;

  constructor(opts: RegistryOptions) {
    this.build = opts.hdr ?? 'wasm';
    if (opts.maxPoints !== undefined && (!Number.isInteger(opts.maxPoints) || opts.maxPoints < 2 || opts.maxPoints % 2))
      throw new PipelabError('INVALID_ARGUMENT', `maxPoints must be an even integer ≥ 2, got ${opts.maxPoints}`, {
        hint: 'e.g. maxPoints: 2048 (34 minutes at one point a second before points merge)',
      });
    this.series = new Series(opts.maxPoints ?? UNBOUNDED);
    this.setWarmup(opts.warmupMs ?? 0);
    finalizer.register(this, this.held, this);
  }

  trend(name: string): TrendMetric {
    const e = this.entry(name, 'trend');
    if (e.handle) return e.handle as TrendMetric;
    const st = e.state as TrendState;
    const handle: TrendMetric = {
      name,
      add: (valueMs, nowMs, tags) => {
        if (this.closed || !Number.isFinite(valueMs)) return;
        this.tick(nowMs);
        const post = nowMs >= this.warmup;
        st.add(valueMs, post);
        if (tags && e.subs.length)
          for (const s of e.subs) if (matches(tags, s.filter)) (s.state as TrendState).add(valueMs, post);
      },
    };
    e.handle = handle;
    return handle;
  }

  counter(name: string): CounterMetric {
    const e = this.entry(name, 'counter');
    if (e.handle) return e.handle as CounterMetric;
    const st = e.state as CounterState;
    const handle: CounterMetric = {
      name,
      add: (n, nowMs, tags) => {
        if (this.closed || !Number.isFinite(n)) return;
        this.tick(nowMs);
        const post = nowMs >= this.warmup;
        st.add(n, post);
        if (tags && e.subs.length)
          for (const s of e.subs) if (matches(tags, s.filter)) (s.state as CounterState).add(n, post);
      },
    };
    e.handle = handle;
    return handle;
  }

  rate(name: string): RateMetric {
    const e = this.entry(name, 'rate');
    if (e.handle) return e.handle as RateMetric;
    const st = e.state as RateState;
    const handle: RateMetric = {
      name,
      add: (sample, nowMs, tags) => {
        if (this.closed) return;
        this.tick(nowMs);
        const post = nowMs >= this.warmup;
        const b = Boolean(sample);
        st.add(b, post);
        if (tags && e.subs.length)
          for (const s of e.subs) if (matches(tags, s.filter)) (s.state as RateState).add(b, post);
      },
    };
    e.handle = handle;
    return handle;
  }

  gauge(name: string): GaugeMetric {
    const e = this.entry(name, 'gauge');
    if (e.handle) return e.handle as GaugeMetric;
    const st = e.state as GaugeState;
    const handle: GaugeMetric = {
      name,
      set: (value, nowMs, tags) => {
        if (this.closed || !Number.isFinite(value)) return;
        this.tick(nowMs);
        const post = nowMs >= this.warmup;
        st.set(value, post);
        if (tags && e.subs.length)
          for (const s of e.subs) if (matches(tags, s.filter)) (s.state as GaugeState).set(value, post);
      },
    };
    e.handle = handle;
    return handle;
  }

  get warmupMs(): number {
    return this.warmup;
  }

  list(): { name: string; type: MetricType }[] {
    return [...this.entries].map(([name, e]) => ({ name, type: e.type }));
  }

  /** the type of a metric or tracked sub-metric key, if registered */
  typeOf(key: string): MetricType | undefined {
    const s = this.order.find((x) => x.key === key);
    return s?.type;
  }

  track(name: string, filter: Tags): string {
    const key = subMetricKey(name, filter);
    if (Object.keys(filter).length === 0) return name;
    let m = this.tracked.get(name);
    if (!m) {
      m = new Map();
      this.tracked.set(name, m);
    }
    if (m.has(key)) return key;
    m.set(key, { ...filter });
    const e = this.entries.get(name);
    if (e) this.addSub(e, key, filter);
    return key;
  }

  setWarmup(warmupMs: number): void {
    if (!(warmupMs >= 0) || !Number.isFinite(warmupMs)) {
      throw new PipelabError('INVALID_ARGUMENT', `warm-up must be a finite number of ms ≥ 0, got ${warmupMs}`);
    }
    this.warmup = warmupMs;
    this.applyDirect();
  }

  snapshot(nowMs: number): Record<string, MetricData> {
    this.assertOpen('snapshot');
    this.tick(nowMs);
    const measuredSeconds = Math.max(0, nowMs - this.warmup) / 1000;
    const mode = this.mode(this.curSec);
    const out: Record<string, MetricData> = {};
    for (const s of this.order) out[s.key] = s.data(measuredSeconds, mode);
    return out;
  }

  window(key: string, endMs: number, seconds: number): MetricData | undefined {
    this.assertOpen('window');
    this.tick(endMs);
    const s = this.order.find((x) => x.key === key);
    if (!s) return undefined;
    const toSec = Math.min(Math.floor(endMs / 1000), this.curSec);
    return s.window(toSec - seconds, toSec, Math.ceil(this.warmup / 1000));
  }

  retainWindow(seconds: number, key?: string): void {
    const n = Math.ceil(seconds);
    if (key === undefined) {
      if (n <= this.retainSeconds) return;
      this.retainSeconds = n;
      for (const s of this.order) s.setRetention(n);
      return;
    }
    if (n <= (this.retainKeys.get(key) ?? 0)) return;
    this.retainKeys.set(key, n);
    this.order.find((s) => s.key === key)?.setRetention(n);
  }

  timeseries(nowMs: number): TimePoint[] {
    this.assertOpen('timeseries');
    this.tick(nowMs);
    return this.series.points(this.order.map((s) => s.key));
  }

  get intervalMs(): number {
    return this.series.intervalMs;
  }

  secondsSince(nowMs: number, fromSec: number): TimePoint[] {
    this.assertOpen('secondsSince');
    this.tick(nowMs);
    const from = Math.max(fromSec, this.curSec - this.recent.length);
    const out: TimePoint[] = [];
    for (let sec = from; sec < this.curSec; sec++) out.push(this.recent[sec % RECENT_SECONDS]!);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    finalizer.unregister(this);
    for (const s of this.order) s.destroy();
  }

  // ---- internals

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`metrics registry: ${what}() after close(); read results before closing`);
  }

  private entry(name: string, type: MetricType): Entry {
    const e = this.entries.get(name);
    if (e) {
      if (e.type !== type) {
        throw new PipelabError('INVALID_ARGUMENT', `metric "${name}" is a ${e.type}, not a ${type}`, {
          hint: 'give each metric one type; pick another name for the new metric',
        });
      }
      return e;
    }
    if (this.closed) throw new Error('metrics registry: new metric after close()');
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      throw new PipelabError('INVALID_ARGUMENT', `metric name "${name}" is not valid`, {
        hint: 'use letters, digits, _ and . (snake_case like e2e_latency), starting with a letter or _',
      });
    }
    const ne: Entry = { type, state: this.newState(name, type), subs: [] };
    this.entries.set(name, ne);
    this.order.push(ne.state);
    this.held.states.push(ne.state);
    for (const [key, filter] of this.tracked.get(name) ?? []) this.addSub(ne, key, filter);
    return ne;
  }

  private addSub(e: Entry, key: string, filter: Tags): void {
    const state = this.newState(key, e.type);
    e.subs.push({ filter: Object.entries(filter), state });
    const at = this.order.indexOf(e.state) + e.subs.length;
    this.order.splice(at, 0, state);
    this.held.states.push(state);
  }

  private newState(key: string, type: MetricType): AnyState {
    const s =
      type === 'trend'
        ? new TrendState(key, this.build)
        : type === 'counter'
          ? new CounterState(key)
          : type === 'rate'
            ? new RateState(key)
            : new GaugeState(key);
    const keep = Math.max(this.retainSeconds, this.retainKeys.get(key) ?? 0);
    if (keep) s.setRetention(keep);
    s.direct = this.mode(this.curSec) === 'straddle';
    return s;
  }

  private mode(sec: number): WarmupMode {
    const start = sec * 1000;
    if (start >= this.warmup) return 'after';
    if (start + 1000 <= this.warmup) return 'before';
    return 'straddle';
  }

  private applyDirect(): void {
    const d = this.mode(this.curSec) === 'straddle';
    for (const s of this.order) s.direct = d;
  }

  /** advance the clock to nowMs, closing every second before it */
  private tick(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    if (sec <= this.curSec) return;
    if (!Number.isFinite(sec))
      throw new Error(`metrics: nowMs must be a finite number of ms since run start, got ${nowMs}`);
    while (this.curSec < sec) {
      const mode = this.mode(this.curSec);
      const point: TimePoint = { t: this.curSec * 1000 };
      const values: { key: string; type: MetricType; value: TimePointValue }[] = [];
      for (const s of this.order) {
        const v: TimePointValue = s.close(this.curSec, mode);
        point[s.key] = v;
        values.push({ key: s.key, type: s.type, value: v });
      }
      this.series.push(values);
      if (this.recent.length < RECENT_SECONDS) this.recent.push(point);
      else this.recent[this.curSec % RECENT_SECONDS] = point;
      this.curSec++;
    }
    this.applyDirect();
  }
}

function matches(tags: Tags, filter: [string, string][]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i]!;
    if (tags[f[0]] !== f[1]) return false;
  }
  return true;
}
