/**
 * Event accounting for the pipeline target (DESIGN.md "Measuring honestly"): every produced
 * event id ends as decided, dead-lettered or missing; a second result for an id that already
 * ended is a duplicate. "Nothing lost" is checked, not assumed. The delivery checker beside it
 * (harness/checkers) sees the same sends, acknowledgements and observations and adds lost, unseen,
 * per-key order and per-partition offset findings. Until the books close `missing` is null, and a
 * run whose teardown failed says its accounting is `incomplete` rather than showing 0 missing.
 */
import type { UserEventsAccounting } from './user-events.ts';
import type { WindowBooks, WindowCheck } from './window-books.ts';
import { DeliveryChecker, type SourcePosition } from '../../checkers/delivery.ts';
import { Column, IdSlots } from '../../checkers/compact.ts';
import type { DeliveryReport } from '../../../results/delivery.ts';

export interface Accounting {
  /** records the broker acknowledged (ids given to produced() minus failed sends) */
  produced: number;
  /** of which deliberately malformed */
  malformedProduced: number;
  /** sends that failed (never reached the broker; iteration errors) */
  produceFailed: number;
  decided: number;
  deadLettered: number;
  /** dead letters by reason header (malformed-json, schema, late, ...) */
  deadLetterReasons: Record<string, number>;
  /** produced ids with no result after the drain timeout; null until the books close */
  missing: number | null;
  /** set when the books could not close (teardown failed): why; the figures are then partial */
  incomplete?: string;
  /** results for an id that had already ended */
  duplicates: number;
  /** results whose id this run never produced (an earlier run's records on a reused cluster) */
  foreign: number;
  /** events counted in the window aggregates observed on processed-events */
  aggregatedEvents: number;
  windowsObserved: number;
  /** the transaction windows against the ground truth of the decided transactions (window-books.ts) */
  windows?: WindowCheck;
  /** decisions by model source (model | rules) and by model version */
  bySource: Record<string, number>;
  byModelVersion: Record<string, number>;
  /** the user-behaviour feed's books (target.userEvents): windowed, dead-lettered (late), missing, ground truth */
  userEvents?: UserEventsAccounting;
  /** some missing ids, for debugging */
  missingSample: string[];
  drainMs: number;
}

/** what a decision says of its transaction: the user and event time that place it in a window */
export interface DecidedTx {
  userId: string;
  eventTime: number;
}

/** an event's state (0: never produced, or its send failed) and a flag for the malformed ones */
const PENDING = 1,
  DECIDED = 2,
  DEAD = 3,
  STATE = 3,
  MALFORMED = 4;

export class EventLedger {
  readonly delivery = new DeliveryChecker();
  /** per (user, window) truth and observed counts, when the run knows its window size */
  windows?: WindowBooks;
  private deliveryReport: DeliveryReport | undefined;
  /** one byte per event, found by its id's number (compact.ts): a soak keeps millions */
  private readonly ids = new IdSlots();
  private readonly state = new Column((n) => new Uint8Array(n));
  private pending = 0;
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
    const slot = this.ids.add(id);
    if (this.state.get(slot)) return;
    this.delivery.send(id, key);
    this.state.set(slot, malformed ? PENDING | MALFORMED : PENDING);
    this.pending++;
    this.a.produced++;
    if (malformed) this.a.malformedProduced++;
  }
  /** the broker never acknowledged it: not produced, so neither pending nor missing */
  produceFailed(id: string): void {
    this.delivery.failed(id);
    const slot = this.ids.find(id);
    const s = slot === undefined ? 0 : this.state.get(slot);
    if ((s & STATE) !== PENDING) return;
    this.state.set(slot!, 0);
    this.pending--;
    this.a.produced--;
    this.a.produceFailed++;
    if (s & MALFORMED) this.a.malformedProduced--;
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
    const slot = this.ids.find(id);
    const s = slot === undefined ? 0 : this.state.get(slot);
    if (!s) {
      this.a.foreign++;
      return false;
    }
    if ((s & STATE) !== PENDING) {
      this.a.duplicates++;
      return false;
    }
    this.state.set(slot!, (s & MALFORMED) | to);
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
    if (this.pending)
      for (const slot of this.ids.slots())
        if ((this.state.get(slot) & STATE) === PENDING && this.a.missingSample.push(this.ids.idOf(slot)) >= 10) break;
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
