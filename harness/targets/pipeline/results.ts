/**
 * The results consumer's side of the pipeline target: every record on fraud-decisions,
 * dead-letter and processed-events is matched to the event it came from (the ledger) and measured
 * when observed — `e2e_latency` = observed − intended send time, the stage timings from the
 * processor's headers, decisions and dead letters by reason.
 *
 * In two steps, so the first can run on a thread of its own (observer.ts): readBatch turns a fetched batch into
 * plain observations (headers and JSON read, re-reads dropped) and applyBatch books them (ledger, metrics).
 */
import type { IHeaders } from 'kafkajs';
import { H, epochNow, header, numHeader, type StageTimes, stageTimes } from '../../../pipeline/processor/headers.ts';
import type { ConsumedBatch, ConsumedRecord } from '../../../pipeline/platformatic-consumer.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import type { SourcePosition } from '../../checkers/delivery.ts';
import type { DecidedTx, EventLedger } from './accounting.ts';
import { type DecisionValue, decisionValue } from './decision-value.ts';
import type { DeadLetterSamples } from './pii.ts';

/** the books of the user-behaviour feed (user-events.ts), when the run sends user events */
interface BehaviourBooks {
  aggregate(events: number): void;
  deadLettered(id: string, reason: string): boolean;
}

/**
 * The decisions' chunk time (features + inference) by chunk size, per power-of-two size class (1,
 * 2–3, 4–7, …), over the whole run: the pairs a calibration needs to fit a chunk's time on its size
 * within one run (harness/sim/calibrate-chunk.ts), where one mean per run mixes the size with the
 * load. Every record carries its chunk's size and time, so a class's figures are over records.
 */
export class ChunkSizes {
  private readonly classes = new Map<number, { records: number; sumN: number; sumMs: number }>();

  add(records: number, chunkMs: number): void {
    const k = Math.floor(Math.log2(records));
    const c = this.classes.get(k) ?? { records: 0, sumN: 0, sumMs: 0 };
    c.records++;
    c.sumN += records;
    c.sumMs += chunkMs;
    this.classes.set(k, c);
  }

  /** per class, smallest first: the records, their mean chunk size and mean chunk time (ms) */
  report(): Array<{ n: number; records: number; chunkMs: number }> {
    return [...this.classes.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, c]) => ({ n: c.sumN / c.records, records: c.records, chunkMs: c.sumMs / c.records }));
  }
}

/** a window aggregate (processed-events), as much of it as the books read */
interface AggregateSeen {
  kind: 'aggregate';
  count?: number;
  /** 'user-behaviour' for the user-events feed's windows */
  of?: string;
  events?: number;
  userId?: string;
  windowStart?: number;
}

/** a dead letter: its event, why, and whether it was a user event; `sample` when the run keeps samples (pii) */
interface DeadSeen {
  kind: 'dead';
  id: string;
  reason: string;
  user: boolean;
  at?: SourcePosition | undefined;
  sample?: { headers: Record<string, string>; value: string };
}

/** a fraud decision: what its value and headers say */
interface DecisionSeen {
  kind: 'decision';
  id: string;
  source: string;
  version: string;
  tx?: DecidedTx | undefined;
  sent?: number | undefined;
  stage?: StageTimes | undefined;
  at?: SourcePosition | undefined;
}

type Observation = AggregateSeen | DeadSeen | DecisionSeen;

/** one fetched batch's observations: plain data (it crosses a thread), `observed` the epoch ms it arrived */
export interface ObservedBatch {
  observed: number;
  items: Observation[];
}

/**
 * A batch read (kafkajs's, or @platformatic/kafka's records of one fetch and partition: platformatic-consumer.ts):
 * its records as observations, those at or below `seen`'s offset for the partition dropped. The observer re-reading
 * records it already saw (its group rebalanced and resumed from an older commit) is not the pipeline writing a
 * result twice: a result partition is read in order, so anything at or below the highest offset seen was seen.
 * `samples`: dead letters carry what DeadLetterSamples keeps.
 */
export function readBatch(batch: ConsumedBatch, seen: Map<string, bigint>, samples: boolean): ObservedBatch {
  const observed = epochNow();
  const via = `${batch.topic}/${batch.partition}`;
  const last = seen.get(via) ?? -1n;
  const items: Observation[] = [];
  // a batch's offsets rise: when its first is past `last`, none is a re-read (no BigInt per record)
  const head = batch.messages[0];
  const check = head !== undefined && BigInt(head.offset) <= last;
  for (const msg of batch.messages) {
    if (check && BigInt(msg.offset) <= last) continue;
    const o =
      batch.topic === TOPICS.processedEvents
        ? readAggregate(msg)
        : batch.topic === TOPICS.deadLetter
          ? readDeadLetter(msg, samples, via)
          : readDecision(msg, via);
    if (o) items.push(o);
  }
  const end = batch.messages[batch.messages.length - 1];
  if (end && BigInt(end.offset) > last) seen.set(via, BigInt(end.offset));
  return { observed, items };
}

/** where the books of a run are: the ledger, the registry and the run's clock, and the optional books beside */
export interface ResultsBooks {
  ledger: EventLedger;
  metrics: () => MetricsRegistry;
  now: () => number;
  behaviour?: BehaviourBooks | undefined;
  samples?: DeadLetterSamples | undefined;
  sizes?: ChunkSizes | undefined;
}

/** a batch's observations into the books */
export function applyBatch(b: ObservedBatch, books: ResultsBooks): void {
  const t = books.now();
  const m = books.metrics();
  for (const o of b.items)
    if (o.kind === 'aggregate') applyAggregate(books, o);
    else if (o.kind === 'dead') applyDeadLetter(books, m, o, t);
    else applyDecision(books, m, o, t, b.observed);
}

function readAggregate(msg: ConsumedRecord): AggregateSeen | undefined {
  try {
    const a = JSON.parse(msg.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    return {
      kind: 'aggregate',
      count: num(a.count),
      of: typeof a.kind === 'string' ? a.kind : undefined,
      events: num(a.events),
      userId: typeof a.userId === 'string' ? a.userId : undefined,
      windowStart: num(a.windowStart),
    };
  } catch {
    return undefined; // an aggregate we cannot read is not an event
  }
}

function applyAggregate(books: ResultsBooks, a: AggregateSeen): void {
  if (a.of === 'user-behaviour') books.behaviour?.aggregate(a.events ?? 0);
  else {
    const { userId, windowStart } = a;
    const w = userId !== undefined && windowStart !== undefined ? { userId, windowStart } : undefined;
    books.ledger.aggregate(a.count ?? 0, w);
  }
}

function readDeadLetter(msg: ConsumedRecord, samples: boolean, via: string): DeadSeen | undefined {
  const id = header(msg.headers, H.eventId);
  if (id === undefined) return undefined;
  const d: DeadSeen = {
    kind: 'dead',
    id,
    reason: header(msg.headers, H.reason) ?? 'unknown',
    user: header(msg.headers, H.sourceTopic) === TOPICS.userEvents,
    at: positionOf(msg.headers, via),
  };
  if (samples) d.sample = { headers: textHeaders(msg.headers), value: msg.value?.toString('utf8') ?? '' };
  return d;
}

function applyDeadLetter(books: ResultsBooks, m: MetricsRegistry, d: DeadSeen, t: number): void {
  if (d.sample) books.samples?.keep(d.sample.headers, d.sample.value);
  const { behaviour, ledger } = books;
  const user = behaviour && d.user;
  if (user ? behaviour.deadLettered(d.id, d.reason) : ledger.deadLettered(d.id, d.reason, d.at))
    m.counter('dead_letters').add(1, t, { reason: d.reason });
}

function readDecision(msg: ConsumedRecord, via: string): DecisionSeen | undefined {
  const id = header(msg.headers, H.eventId);
  if (id === undefined) return undefined;
  // the processors' layout read from the bytes; anything else parsed
  let d = decisionValue(msg.value);
  if (!d)
    try {
      d = JSON.parse(msg.value?.toString('utf8') ?? '{}') as DecisionValue;
    } catch {
      d = {}; // counted, without its source
    }
  return {
    kind: 'decision',
    id,
    source: d.source ?? 'unknown',
    version: d.modelVersion ?? 'unknown',
    tx:
      typeof d.userId === 'string' && typeof d.eventTime === 'number'
        ? { userId: d.userId, eventTime: d.eventTime }
        : undefined,
    sent: numHeader(msg.headers, H.sentMs),
    stage: stageTimes(msg.headers),
    at: positionOf(msg.headers, via),
  };
}

/** a fraud decision: counted once per event, with its end-to-end and per-stage latencies */
function applyDecision(books: ResultsBooks, m: MetricsRegistry, d: DecisionSeen, t: number, observed: number): void {
  if (!books.ledger.decided(d.id, d.source, d.version, d.at, d.tx)) return;
  m.counter('decisions').add(1, t, { source: d.source, model_version: d.version });
  const { sent, stage } = d;
  if (sent !== undefined) m.trend('e2e_latency').add(Math.max(0, observed - sent), t);
  if (!stage) return;
  if (sent !== undefined) m.trend('stage_queue').add(Math.max(0, stage.receivedMs - sent), t);
  m.trend('stage_features').add(stage.featuresMs, t);
  m.trend('stage_inference').add(stage.inferenceMs, t);
  if (stage.records !== undefined) books.sizes?.add(stage.records, stage.featuresMs + stage.inferenceMs);
  m.trend('stage_sink').add(Math.max(0, observed - stage.sinkMs), t);
}

/**
 * the transaction's partition and offset, from the headers the processor copies onto every result, and `via`: the
 * result partition it was read from
 */
function positionOf(h: IHeaders | undefined, via: string): SourcePosition | undefined {
  const partition = numHeader(h, H.sourcePartition);
  const offset = numHeader(h, H.sourceOffset);
  return partition === undefined || offset === undefined ? undefined : { partition, offset, via };
}

/** a record's headers as text (the first value of a repeated one) */
function textHeaders(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(h ?? {})) {
    const v = header(h, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
