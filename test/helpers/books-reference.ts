/**
 * The event books as they were before compact.ts (a Map entry, an object and the id string per
 * event): the oracle the compact books are checked against (test/harness/checkers/compact-books.test.ts)
 * and the "before" of bench/books.ts. Not used by pipelab itself.
 */
import type { DeliveryReport } from '../../results/delivery.ts';
import type { SourcePosition } from '../../harness/checkers/delivery.ts';
import type { Accounting, DecidedTx } from '../../harness/targets/pipeline/accounting.ts';
import type { WindowBooks } from '../../harness/targets/pipeline/window-books.ts';

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

class MapDeliveryChecker {
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
    // per key within each result topic (the stream without its partition)
    const k = `${at?.via ? at.via.slice(0, at.via.lastIndexOf('/')) : ''}|${s.key}`;
    const last = this.lastSeenSeq.get(k) ?? 0;
    if (s.seq < last) {
      this.r.orderViolations++;
      sample(this.r.samples.orderViolations, `${id} (key ${s.key}: #${s.seq} after #${last})`);
    } else this.lastSeenSeq.set(k, s.seq);
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

const PENDING = 0,
  DECIDED = 1,
  DEAD = 2;

export class MapEventLedger {
  readonly delivery = new MapDeliveryChecker();
  /** per (user, window) truth and observed counts, when the run knows its window size */
  windows?: WindowBooks;
  private deliveryReport: DeliveryReport | undefined;
  private readonly state = new Map<string, number>();
  private pending = 0;
  private readonly malformed = new Set<string>();
  private readonly a: Accounting = {
    produced: 0,
    malformedProduced: 0,
    produceFailed: 0,
    decided: 0,
    deadLettered: 0,
    deadLetterReasons: {},
    missing: null,
    duplicates: 0,
    foreign: 0,
    aggregatedEvents: 0,
    windowsObserved: 0,
    bySource: {},
    byModelVersion: {},
    missingSample: [],
    drainMs: 0,
  };

  produced(id: string, malformed: boolean, key = ''): void {
    if (this.state.has(id)) return;
    this.delivery.send(id, key);
    this.state.set(id, PENDING);
    this.pending++;
    this.a.produced++;
    if (malformed) {
      this.a.malformedProduced++;
      this.malformed.add(id);
    }
  }
  /** the broker never acknowledged it: not produced, so neither pending nor missing */
  produceFailed(id: string): void {
    this.delivery.failed(id);
    if (this.state.get(id) !== PENDING) return;
    this.state.delete(id);
    this.pending--;
    this.a.produced--;
    this.a.produceFailed++;
    if (this.malformed.delete(id)) this.a.malformedProduced--;
  }

  /** the broker acknowledged the send */
  acked(id: string): void {
    this.delivery.acked(id);
  }

  /** true when this is the id's first result; `at`: its source partition and offset */
  decided(id: string, source: string, version: string, at?: SourcePosition, tx?: DecidedTx): boolean {
    this.delivery.observed(id, at);
    if (!this.end(id, DECIDED)) return false;
    if (tx) this.windows?.decided(tx.userId, tx.eventTime);
    this.a.decided++;
    this.a.bySource[source] = (this.a.bySource[source] ?? 0) + 1;
    this.a.byModelVersion[version] = (this.a.byModelVersion[version] ?? 0) + 1;
    return true;
  }
  deadLettered(id: string, reason: string, at?: SourcePosition): boolean {
    this.delivery.observed(id, at);
    if (!this.end(id, DEAD)) return false;
    this.a.deadLettered++;
    this.a.deadLetterReasons[reason] = (this.a.deadLetterReasons[reason] ?? 0) + 1;
    return true;
  }
  aggregate(count: number, w?: { userId: string; windowStart: number }): void {
    if (w) this.windows?.observed(w.userId, w.windowStart, count);
    this.a.windowsObserved++;
    this.a.aggregatedEvents += count;
  }

  private end(id: string, to: number): boolean {
    const s = this.state.get(id);
    if (s === undefined) {
      this.a.foreign++;
      return false;
    }
    if (s !== PENDING) {
      this.a.duplicates++;
      return false;
    }
    this.state.set(id, to);
    this.pending--;
    return true;
  }

  get outstanding(): number {
    return this.pending;
  }

  /** close the books: whatever is still pending is missing */
  finish(drainMs: number): Accounting {
    this.a.drainMs = Math.round(drainMs);
    this.a.missing = this.pending;
    this.a.missingSample = [];
    if (this.pending) for (const [id, s] of this.state) if (s === PENDING && this.a.missingSample.push(id) >= 10) break;
    this.deliveryReport = this.delivery.finish();
    if (this.windows) this.a.windows = this.windows.finish();
    return this.snapshot();
  }

  /** the delivery checker's findings once the books closed (undefined before) */
  get report(): DeliveryReport | undefined {
    return this.deliveryReport;
  }

  /** the books could not close: the tally so far, marked incomplete, with missing unknown */
  incomplete(reason: string): Accounting {
    return { ...this.snapshot(), missing: null, incomplete: reason };
  }

  snapshot(): Accounting {
    return structuredClone(this.a);
  }
}
