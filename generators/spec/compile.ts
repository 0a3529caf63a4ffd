/**
 * compileSpec(spec) → create({ seed }) → a seeded stream of the user's events.
 *
 * The stream emits one event per call. Its send time is the caller's clock (`next(now)`, e.g. a
 * load test's intended send time) or the spec's own arrival process; its event time is the send
 * time less a disorder lag for a share of events. Several streams mix by weight, a stream whose
 * lookups have nothing to read yet waits, and a share of events is sent again later as a
 * duplicate (the same object, the same bytes). Every event's ground truth (lag, out of order,
 * duplicate) is in `last` and summed in `truth()`.
 */
import type { DriftTruth } from '../drift-hooks.ts';
import { PipelabError } from '../../errors.ts';
import { type Arrivals, type ArrivalSpecInput, createArrivals } from '../arrivals.ts';
import { MinHeap } from '../heap.ts';
import { Rng, toSeed } from '../rng.ts';
import { arrivalsEnded, type EventStream } from '../stream.ts';
import { compileStream, type Runtime, type Shared } from './streams.ts';
import type { EventFunction, EventSpec, SpecRecord, SpecTruth } from './types.ts';
import { type StreamEntry, streamEntries, validateSpec } from './validate.ts';

interface Pending {
  due: number;
  order: number;
  event: unknown;
  writer: (e: unknown) => string;
  stream: Runtime;
  eventTime: number;
}

export interface SpecStreamOptions {
  /** overrides the spec's seed */
  seed?: number | string;
  /** overrides the spec's startMs (first send time of its own clock) */
  startMs?: number;
  /** overrides the spec's arrivals (send times of its own clock) */
  arrivals?: ArrivalSpecInput;
}

/** streams in an order where every lookup's source comes before the streams reading it */
function ordered(entries: StreamEntry[], sources: Map<string, Set<string>>): StreamEntry[] {
  const out: StreamEntry[] = [];
  const done = new Set<string>();
  while (out.length < entries.length) {
    for (const e of entries)
      if (!done.has(e.name) && [...(sources.get(e.name) ?? [])].every((d) => done.has(d))) {
        out.push(e);
        done.add(e.name);
      }
  }
  return out;
}

/** lookup sources per stream, found by walking the spec's field objects */
function lookupSources(entries: StreamEntry[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (v: unknown, into: Set<string>): void => {
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'lookup' && typeof o.from === 'string') into.add(o.from.split('.')[0]!);
    for (const x of Object.values(o)) walk(x, into);
  };
  for (const e of entries) {
    const s = new Set<string>();
    if (typeof e.spec.generate !== 'function') walk([e.spec.fields, e.spec.stateMachine], s);
    out.set(e.name, s);
  }
  return out;
}

/** a stream may emit once every store its lookups read holds an event (stores never empty again) */
function isReady(s: Runtime): boolean {
  if (!s.ready) s.ready = s.deps.every((d) => d.size > 0);
  return s.ready;
}

export class SpecStream implements EventStream<unknown> {
  readonly name: string;
  readonly seed: number;
  readonly drifts: readonly DriftTruth[] = [];
  /** the names of the spec's streams, in spec order */
  readonly streams: readonly string[];
  /** ground truth of the last event (overwritten by the next call: copy what you keep) */
  readonly last: SpecRecord = {
    stream: '',
    index: -1,
    sendTime: 0,
    eventTime: 0,
    lagMs: 0,
    outOfOrder: false,
    duplicate: false,
  };
  private readonly rt: Runtime[];
  private readonly single: Runtime | undefined;
  private readonly arrivals: Arrivals;
  private readonly rMix: Rng;
  private readonly cdf: Float64Array;
  private readonly pending = new MinHeap<Pending>((a, b) => a.due < b.due || (a.due === b.due && a.order < b.order));
  private emitted = 0;
  private scheduled = 0;
  private lastEvent: unknown;
  private lastWriter: (e: unknown) => string = JSON.stringify;

  constructor(spec: EventSpec, entries: StreamEntry[], opts: SpecStreamOptions = {}) {
    this.seed = toSeed(opts.seed ?? spec.seed ?? 1);
    const root = new Rng(this.seed);
    const sources = lookupSources(entries);
    const hasFunction = entries.some((e) => typeof e.spec.generate === 'function');
    const sh: Shared = {
      spec,
      seedTag: this.seed.toString(36),
      root,
      entities: new Map(),
      byName: new Map(),
      keepAll: hasFunction,
      sources: new Set([...sources.values()].flatMap((s) => [...s])),
    };
    for (const e of ordered(entries, sources)) sh.byName.set(e.name, compileStream(e, sh));
    this.streams = entries.map((e) => e.name);
    this.rt = this.streams.map((n) => sh.byName.get(n)!);
    this.name = spec.name ?? (this.rt.length === 1 ? this.rt[0]!.name : 'spec');
    this.single = this.rt.length === 1 ? this.rt[0] : undefined;
    const startMs = opts.startMs ?? spec.startMs ?? Date.UTC(2026, 0, 1);
    const arrivals = opts.arrivals ?? spec.arrivals ?? { kind: 'poisson', rate: 1000 };
    this.arrivals = createArrivals({ ...arrivals, startMs }, root.fork('arrivals'));
    this.rMix = root.fork('mix');
    let sum = 0;
    this.cdf = Float64Array.from(this.rt, (s) => (sum += s.weight));
  }

  get count(): number {
    return this.emitted;
  }
  /** the intended rate of the spec's own clock at absolute time t (events/s) */
  rateAt(tMs: number): number {
    return this.arrivals.rateAt(tMs);
  }

  /** the next event; `now` is its intended send time (default: the spec's own arrival process) */
  next(now?: number): unknown {
    const index = this.emitted;
    const sendTime = Math.floor(now === undefined ? this.arrivals.next() : now);
    if (sendTime === Infinity) throw arrivalsEnded(index);
    const h = this.pending.items;
    if (h.length > 0 && h[0]!.due <= sendTime) return this.resend(this.pending.pop()!, index, sendTime);
    const s = this.single ?? this.pick();
    const c = s.ctx;
    c.index = index;
    c.seq = s.truth.events - s.truth.duplicates;
    c.sendTime = sendTime;
    let eventTime = sendTime;
    const d = s.disorder;
    if (d !== undefined && d.r.next() < d.share) eventTime -= Math.max(0, Math.round(d.lag()));
    c.eventTime = eventTime;
    const e = s.make(c);
    s.store?.add(e);
    const dup = s.duplicates;
    if (dup !== undefined && dup.r.next() < dup.share) {
      const due = sendTime + Math.max(0, dup.delay());
      this.pending.push({ due, order: this.scheduled++, event: e, writer: s.writer, stream: s, eventTime });
    }
    this.record(s, index, sendTime, eventTime, false);
    this.lastEvent = e;
    this.lastWriter = s.writer;
    return e;
  }

  take(n: number): unknown[] {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  /**
   * The event as JSON, byte-identical to JSON.stringify(event), through the writer generated for
   * its shape when it is the event just emitted (events changed after the fact: JSON.stringify).
   */
  toJson(event: unknown): string {
    return event === this.lastEvent ? this.lastWriter(event) : (JSON.stringify(event) ?? 'null');
  }

  /** the disorder and duplicates emitted so far, overall and per stream */
  truth(): SpecTruth {
    const streams = Object.fromEntries(this.rt.map((s) => [s.name, s.truth.truth()]));
    const sum = (k: 'events' | 'duplicates' | 'late' | 'outOfOrder' | 'lagSum') =>
      this.rt.reduce((a, s) => a + s.truth[k], 0);
    const late = sum('late');
    return {
      events: sum('events'),
      duplicates: sum('duplicates'),
      late,
      outOfOrder: sum('outOfOrder'),
      maxLagMs: Math.max(0, ...this.rt.map((s) => s.truth.maxLagMs)),
      meanLagMs: late ? sum('lagSum') / late : 0,
      streams,
    };
  }

  private resend(p: Pending, index: number, sendTime: number): unknown {
    this.record(p.stream, index, sendTime, p.eventTime, true);
    this.lastEvent = p.event;
    this.lastWriter = p.writer;
    return p.event;
  }

  private record(s: Runtime, index: number, sendTime: number, eventTime: number, duplicate: boolean): void {
    this.emitted = index + 1;
    const lag = sendTime - eventTime;
    const ooo = s.truth.add(eventTime, lag, duplicate);
    const l = this.last;
    l.stream = s.name;
    l.index = index;
    l.sendTime = sendTime;
    l.eventTime = eventTime;
    l.lagMs = lag;
    l.outOfOrder = ooo;
    l.duplicate = duplicate;
  }

  /** a stream by weight among those whose lookups have something to read */
  private pick(): Runtime {
    const rt = this.rt,
      cdf = this.cdf;
    const u = this.rMix.next() * cdf[cdf.length - 1]!;
    let i = 0;
    while (i < cdf.length - 1 && u >= cdf[i]!) i++;
    const s = rt[i]!;
    if (isReady(s)) return s;
    const ready = rt.filter((x) => x.weight > 0 && isReady(x));
    if (ready.length === 0)
      throw new PipelabError('INVALID_ARGUMENT', 'no stream of the spec can emit: every one waits for a lookup', {
        hint: 'give a stream the others look up a weight above 0',
      });
    let w = this.rMix.next() * ready.reduce((a, x) => a + x.weight, 0);
    for (const x of ready) {
      w -= x.weight;
      if (w < 0) return x;
    }
    return ready[ready.length - 1]!;
  }
}

export interface CompiledSpec {
  readonly spec: EventSpec;
  /** the names of its streams */
  readonly streams: readonly string[];
  /** a fresh, seeded stream of events (same seed → the same events, the same bytes) */
  create(opts?: SpecStreamOptions): SpecStream;
}

/**
 * Validate an event spec (or a function (ctx) => event) once, naming every bad field by its path
 * (PipelabError INVALID_ARGUMENT, exit 104; `prefix` goes before each path), and return a
 * factory of seeded streams.
 */
export function compileSpec(spec: EventSpec | EventFunction, opts: { prefix?: string } = {}): CompiledSpec {
  const valid = validateSpec(spec, opts.prefix);
  const entries = streamEntries(valid);
  return {
    spec: valid,
    streams: entries.map((e) => e.name),
    create: (o) => new SpecStream(valid, entries, o),
  };
}

/** types a spec in a .ts file: `export default defineEventSpec({ … })` */
export function defineEventSpec(spec: EventSpec): EventSpec {
  return spec;
}
