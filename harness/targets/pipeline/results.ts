/**
 * The results consumer's side of the pipeline target: every record on fraud-decisions,
 * dead-letter and processed-events is matched to the event it came from (the ledger) and measured
 * when observed — `e2e_latency` = observed − intended send time, the stage timings from the
 * processor's headers, decisions and dead letters by reason.
 */
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { H, epochNow, header, numHeader, stageTimes } from '../../../pipeline/processor/headers.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import type { SourcePosition } from '../../checkers/delivery.ts';
import type { DecidedTx, EventLedger } from './accounting.ts';
import type { DeadLetterSamples } from './pii.ts';

/** the books of the user-behaviour feed (user-events.ts), when the run sends user events */
export interface BehaviourBooks {
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

/** an eachBatch handler recording into the ledger and the registry; `now` is the run's clock */
export function resultsHandler(
  ledger: EventLedger,
  metrics: () => MetricsRegistry,
  now: () => number,
  behaviour?: BehaviourBooks,
  samples?: DeadLetterSamples,
  sizes?: ChunkSizes,
): (payload: EachBatchPayload) => Promise<void> {
  const read = new Map<string, bigint>();
  return async ({ batch, resolveOffset, heartbeat }) => {
    const observed = epochNow();
    const t = now();
    const m = metrics();
    // the observer re-reading records it already saw (its group rebalanced and resumed from an older commit) is
    // not the pipeline writing a result twice: a result partition is read in order, so anything at or below the
    // highest offset seen was seen
    const tp = `${batch.topic}/${batch.partition}`;
    const seen = read.get(tp) ?? -1n;
    for (const msg of batch.messages) {
      if (BigInt(msg.offset) <= seen) continue;
      if (batch.topic === TOPICS.processedEvents) aggregate(ledger, msg, behaviour);
      else if (batch.topic === TOPICS.deadLetter) {
        deadLetter(ledger, m, msg, t, behaviour, tp);
        samples?.keep(msg);
      } else decision(ledger, m, msg, t, observed, tp, sizes);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) {
      if (BigInt(last.offset) > seen) read.set(tp, BigInt(last.offset));
      resolveOffset(last.offset);
    }
    await heartbeat();
  };
}

function aggregate(ledger: EventLedger, msg: KafkaMessage, behaviour: BehaviourBooks | undefined): void {
  try {
    const a = JSON.parse(msg.value?.toString('utf8') ?? '{}') as {
      count?: number;
      kind?: string;
      events?: number;
      userId?: string;
      windowStart?: number;
    };
    if (a.kind === 'user-behaviour') behaviour?.aggregate(a.events ?? 0);
    else {
      const { userId, windowStart } = a;
      const w = typeof userId === 'string' && typeof windowStart === 'number' ? { userId, windowStart } : undefined;
      ledger.aggregate(a.count ?? 0, w);
    }
  } catch {
    /* an aggregate we cannot read is not an event */
  }
}

function deadLetter(
  ledger: EventLedger,
  m: MetricsRegistry,
  msg: KafkaMessage,
  t: number,
  behaviour: BehaviourBooks | undefined,
  via: string,
): void {
  const id = header(msg.headers, H.eventId);
  if (id === undefined) return;
  const reason = header(msg.headers, H.reason) ?? 'unknown';
  const user = behaviour && header(msg.headers, H.sourceTopic) === TOPICS.userEvents;
  if (user ? behaviour.deadLettered(id, reason) : ledger.deadLettered(id, reason, sourceOf(msg, via)))
    m.counter('dead_letters').add(1, t, { reason });
}

/** a fraud decision: counted once per event, with its end-to-end and per-stage latencies */
function decision(
  ledger: EventLedger,
  m: MetricsRegistry,
  msg: KafkaMessage,
  t: number,
  observed: number,
  via: string,
  sizes?: ChunkSizes,
): void {
  const id = header(msg.headers, H.eventId);
  if (id === undefined) return;
  let d: { source?: string; modelVersion?: string; userId?: string; eventTime?: number } = {};
  try {
    d = JSON.parse(msg.value?.toString('utf8') ?? '{}') as typeof d;
  } catch {
    /* counted, without its source */
  }
  const tx = typeof d.userId === 'string' && typeof d.eventTime === 'number' ? (d as DecidedTx) : undefined;
  if (!ledger.decided(id, d.source ?? 'unknown', d.modelVersion ?? 'unknown', sourceOf(msg, via), tx)) return;
  m.counter('decisions').add(1, t, { source: d.source ?? 'unknown', model_version: d.modelVersion ?? 'unknown' });
  const sent = numHeader(msg.headers, H.sentMs);
  if (sent !== undefined) m.trend('e2e_latency').add(Math.max(0, observed - sent), t);
  const stage = stageTimes(msg.headers);
  if (!stage) return;
  if (sent !== undefined) m.trend('stage_queue').add(Math.max(0, stage.receivedMs - sent), t);
  m.trend('stage_features').add(stage.featuresMs, t);
  m.trend('stage_inference').add(stage.inferenceMs, t);
  if (stage.records !== undefined) sizes?.add(stage.records, stage.featuresMs + stage.inferenceMs);
  m.trend('stage_sink').add(Math.max(0, observed - stage.sinkMs), t);
}

/** the transaction's partition and offset, from the headers the processor copies onto every result */
function sourceOf(msg: KafkaMessage, via: string): SourcePosition | undefined {
  const partition = numHeader(msg.headers, H.sourcePartition);
  const offset = numHeader(msg.headers, H.sourceOffset);
  return partition === undefined || offset === undefined ? undefined : { partition, offset, via };
}
