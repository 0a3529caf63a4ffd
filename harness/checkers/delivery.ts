/**
 * The delivery checker: Kafka's validate_delivery and Jepsen's queue checkers in one ledger. It
 * is told what was sent (with its key), which sends the broker acknowledged or refused, and every
 * observation downstream (with the source partition and offset when known), and closes the books
 * into a DeliveryReport: lost, duplicated, unseen, recovered, unexpected, per-key order
 * violations, offset gaps and non-monotonic offsets per partition, with samples.
 */
import type { DeliveryReport } from '../../results/delivery.ts';
import { Column, IdSlots, InFlight, OffsetBits } from './compact.ts';

const SAMPLE = 10;
/** an event's flags: sent; its outcome (acked or failed, 2 bits); times seen, 0, 1 or 2+ (2 bits) */
const SENT = 1,
  ACKED = 2,
  FAILED = 4,
  OUTCOME = ACKED | FAILED,
  SEEN_ONE = 8,
  SEEN_MANY = 16,
  SEEN = SEEN_ONE | SEEN_MANY;

/** where an observed event came from: its partition and offset in the source topic */
export interface SourcePosition {
  partition: number;
  offset: number;
  /**
   * the ordered stream it was observed on (a result topic's partition, e.g. "fraud-decisions/3"). Results of one
   * source partition may be spread over several result partitions (a producer whose partitioner differs from the
   * source's), and those are read concurrently: offsets are only required to rise within one stream
   */
  via?: string;
}

export class DeliveryChecker {
  /**
   * The books per event (compact.ts): one byte of flags, kept for the run (a soak of millions of
   * events keeps them all), and until its first observation the key (an index into keys) and the
   * send order within the key, which only the order check needs
   */
  private readonly ids = new IdSlots();
  private readonly flags = new Column((n) => new Uint8Array(n));
  private readonly inFlight = new InFlight();
  private readonly keyIndex = new Map<string, number>();
  private readonly keys: string[] = [];
  /** per key index: sends so far */
  private readonly keySeq: number[] = [];
  /**
   * per result topic (the stream's name without its partition; '' when the observation says
   * none), per key index: the highest send order observed there. Kafka orders a key's records
   * within one topic's partition only: a key's dead letters and its decisions are two topics,
   * read side by side, so a dead letter read after a later decision is no violation
   */
  private readonly lastSeenSeq = new Map<string, number[]>();
  /** a stream name (e.g. "fraud-decisions/3") → its topic's lastSeenSeq array: no string cut per event */
  private readonly seenByStream = new Map<string, number[]>();
  /** per result partition read (`via`), the highest source offset seen per source partition */
  private readonly lastOffset = new Map<string, number[]>();
  private readonly offsets = new Map<number, OffsetBits>();
  private r: DeliveryReport = {
    acked: 0,
    lost: 0,
    duplicated: 0,
    unseen: 0,
    recovered: 0,
    unexpected: 0,
    orderViolations: 0,
    offsetGaps: 0,
    nonMonotonicOffsets: 0,
    samples: { lost: [], duplicated: [], unseen: [], orderViolations: [], offsetGaps: [], nonMonotonicOffsets: [] },
  };

  /** a send was attempted (before its outcome is known: an observation may beat the ack) */
  send(id: string, key: string): void {
    const slot = this.ids.add(id);
    if (this.flags.get(slot) & SENT) return;
    let k = this.keyIndex.get(key);
    if (k === undefined) {
      k = this.keys.push(key) - 1;
      this.keyIndex.set(key, k);
      this.keySeq.push(0);
    }
    const seq = ++this.keySeq[k]!;
    this.flags.set(slot, SENT);
    this.inFlight.set(slot, k, seq);
  }
  acked(id: string): void {
    const slot = this.sentSlot(id);
    if (slot === undefined) return;
    const f = this.flags.get(slot);
    if (f & OUTCOME) return;
    this.flags.set(slot, f | ACKED);
    this.r.acked++;
  }
  failed(id: string): void {
    const slot = this.sentSlot(id);
    if (slot === undefined) return;
    const f = this.flags.get(slot);
    if (!(f & OUTCOME)) this.flags.set(slot, f | FAILED);
  }

  /** an observation downstream; `at` is the event's source position when the result carries it */
  observed(id: string, at?: SourcePosition): void {
    if (at) this.position(id, at);
    const slot = this.sentSlot(id);
    if (slot === undefined) {
      this.r.unexpected++;
      return;
    }
    const f = this.flags.get(slot);
    if (f & SEEN) {
      this.flags.set(slot, (f & ~SEEN) | SEEN_MANY);
      this.r.duplicated++;
      sample(this.r.samples.duplicated, id);
      return;
    }
    this.flags.set(slot, f | SEEN_ONE);
    const [k, seq] = this.inFlight.get(slot);
    this.inFlight.release(slot);
    const seen = this.seenOn(at?.via ?? '');
    const last = seen[k] ?? 0;
    if (seq < last) {
      this.r.orderViolations++;
      sample(this.r.samples.orderViolations, `${id} (key ${this.keys[k]}: #${seq} after #${last})`);
    } else seen[k] = seq;
  }

  /** the per-key highest send order observed on the topic of `stream` */
  private seenOn(stream: string): number[] {
    let seen = this.seenByStream.get(stream);
    if (seen) return seen;
    const topic = stream.slice(0, Math.max(0, stream.lastIndexOf('/')));
    seen = this.lastSeenSeq.get(topic);
    if (!seen) {
      seen = [];
      this.lastSeenSeq.set(topic, seen);
    }
    this.seenByStream.set(stream, seen);
    return seen;
  }

  /** the slot of an id this checker was told was sent, else undefined */
  private sentSlot(id: string): number | undefined {
    const slot = this.ids.find(id);
    return slot !== undefined && this.flags.get(slot) & SENT ? slot : undefined;
  }

  private position(id: string, at: SourcePosition): void {
    const via = at.via ?? '';
    let lasts = this.lastOffset.get(via);
    if (!lasts) {
      lasts = [];
      this.lastOffset.set(via, lasts);
    }
    const last = lasts[at.partition];
    if (last !== undefined && at.offset <= last) {
      this.r.nonMonotonicOffsets++;
      const from = at.via ? ` (read from ${at.via})` : '';
      sample(
        this.r.samples.nonMonotonicOffsets,
        `${id}: partition ${at.partition} offset ${at.offset} after ${last}${from}`,
      );
    }
    lasts[at.partition] = Math.max(last ?? -1, at.offset);
    let bits = this.offsets.get(at.partition);
    if (!bits) {
      bits = new OffsetBits();
      this.offsets.set(at.partition, bits);
    }
    bits.add(at.offset);
  }

  /** close the books: acknowledged and never seen is lost; never acknowledged and never seen is unseen */
  finish(): DeliveryReport {
    const r = structuredClone(this.r);
    for (const slot of this.ids.slots()) {
      const f = this.flags.get(slot);
      if (!(f & SENT)) continue;
      if (f & SEEN) {
        if (!(f & ACKED)) r.recovered++;
        continue;
      }
      if (f & ACKED) {
        r.lost++;
        sample(r.samples.lost, this.ids.idOf(slot));
      } else {
        r.unseen++;
        sample(r.samples.unseen, this.ids.idOf(slot));
      }
    }
    for (const [p, bits] of this.offsets) {
      let prev: number | undefined;
      for (const o of bits.distinct()) {
        const hole = prev === undefined ? 0 : o - prev - 1;
        if (hole > 0) {
          r.offsetGaps += hole;
          sample(r.samples.offsetGaps, `partition ${p}: ${prev! + 1}..${o - 1}`);
        }
        prev = o;
      }
    }
    return r;
  }
}

function sample(into: string[], s: string): void {
  if (into.length < SAMPLE) into.push(s);
}
