/**
 * The delivery checker: Kafka's validate_delivery and Jepsen's queue checkers in one ledger. It
 * is told what was sent (with its key), which sends the broker acknowledged or refused, and every
 * observation downstream (with the source partition and offset when known), and closes the books
 * into a DeliveryReport: lost, duplicated, unseen, recovered, unexpected, per-key order
 * violations, offset gaps and non-monotonic offsets per partition, with samples.
 */
import type { DeliveryReport } from '../../results/delivery.ts';

const SAMPLE = 10;
const ACKED = 1,
  FAILED = 2;

interface Sent {
  key: string;
  /** send order within the key */
  seq: number;
  ack: number;
  seen: number;
}

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
  private readonly sent = new Map<string, Sent>();
  private readonly keySeq = new Map<string, number>();
  private readonly lastSeenSeq = new Map<string, number>();
  private readonly lastOffset = new Map<string, number>();
  private readonly offsets = new Map<number, number[]>();
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
    if (this.sent.has(id)) return;
    const seq = (this.keySeq.get(key) ?? 0) + 1;
    this.keySeq.set(key, seq);
    this.sent.set(id, { key, seq, ack: 0, seen: 0 });
  }
  acked(id: string): void {
    const s = this.sent.get(id);
    if (s && s.ack === 0) {
      s.ack = ACKED;
      this.r.acked++;
    }
  }
  failed(id: string): void {
    const s = this.sent.get(id);
    if (s && s.ack === 0) s.ack = FAILED;
  }

  /** an observation downstream; `at` is the event's source position when the result carries it */
  observed(id: string, at?: SourcePosition): void {
    if (at) this.position(id, at);
    const s = this.sent.get(id);
    if (!s) {
      this.r.unexpected++;
      return;
    }
    s.seen++;
    if (s.seen > 1) {
      this.r.duplicated++;
      sample(this.r.samples.duplicated, id);
      return;
    }
    const last = this.lastSeenSeq.get(s.key) ?? 0;
    if (s.seq < last) {
      this.r.orderViolations++;
      sample(this.r.samples.orderViolations, `${id} (key ${s.key}: #${s.seq} after #${last})`);
    } else this.lastSeenSeq.set(s.key, s.seq);
  }

  private position(id: string, at: SourcePosition): void {
    const stream = `${at.via ?? ''}|${at.partition}`;
    const last = this.lastOffset.get(stream);
    if (last !== undefined && at.offset <= last) {
      this.r.nonMonotonicOffsets++;
      const via = at.via ? ` (read from ${at.via})` : '';
      sample(
        this.r.samples.nonMonotonicOffsets,
        `${id}: partition ${at.partition} offset ${at.offset} after ${last}${via}`,
      );
    }
    this.lastOffset.set(stream, Math.max(last ?? -1, at.offset));
    const list = this.offsets.get(at.partition);
    if (list) list.push(at.offset);
    else this.offsets.set(at.partition, [at.offset]);
  }

  /** close the books: acknowledged and never seen is lost; never acknowledged and never seen is unseen */
  finish(): DeliveryReport {
    const r = structuredClone(this.r);
    for (const [id, s] of this.sent) {
      if (s.seen > 0) {
        if (s.ack !== ACKED) r.recovered++;
        continue;
      }
      if (s.ack === ACKED) {
        r.lost++;
        sample(r.samples.lost, id);
      } else {
        r.unseen++;
        sample(r.samples.unseen, id);
      }
    }
    for (const [p, list] of this.offsets) {
      const sorted = Float64Array.from(list).sort();
      for (let i = 1; i < sorted.length; i++) {
        const hole = sorted[i]! - sorted[i - 1]! - 1;
        if (hole <= 0) continue;
        r.offsetGaps += hole;
        sample(r.samples.offsetGaps, `partition ${p}: ${sorted[i - 1]! + 1}..${sorted[i]! - 1}`);
      }
    }
    return r;
  }
}

function sample(into: string[], s: string): void {
  if (into.length < SAMPLE) into.push(s);
}
