/**
 * The windows' ground truth: every transaction decided (its first result) belongs to exactly one
 * tumbling window of its user, so the generator's events give each (user, window) its true count.
 * The aggregates observed on processed-events are summed per (user, window) (a window closed in
 * two parts, e.g. by a processor that stopped while its partition moved on, sums to the same
 * count) and compared: `exact` when every window's count equals the truth. Windows close when
 * the processors stop (end of input), so the books are read after they did.
 */
export interface WindowCheck {
  /** windows the decided transactions fall in */
  windows: number;
  /** transactions those windows should count */
  events: number;
  /** distinct (user, window) aggregates observed, and aggregate records (more when a window came in parts) */
  observed: number;
  records: number;
  /** events the observed aggregates counted */
  counted: number;
  /** windows whose count differs from the truth (missing windows included) */
  mismatched: number;
  /** events counted beyond the truth (replays counted twice) and short of it (lost window state) */
  over: number;
  under: number;
  exact: boolean;
  /** a few mismatched windows: `user/windowStart: counted/truth` */
  sample: string[];
}

export class WindowBooks {
  private readonly truth = new Map<string, number>();
  private readonly counted = new Map<string, number>();
  private records = 0;

  constructor(readonly sizeMs: number) {}

  /** a transaction's first decision */
  decided(userId: string, eventTime: number): void {
    const k = `${userId}/${Math.floor(eventTime / this.sizeMs) * this.sizeMs}`;
    this.truth.set(k, (this.truth.get(k) ?? 0) + 1);
  }

  /** an aggregate record on processed-events */
  observed(userId: string, windowStart: number, count: number): void {
    const k = `${userId}/${windowStart}`;
    this.records++;
    this.counted.set(k, (this.counted.get(k) ?? 0) + count);
  }

  /** the aggregates so far count fewer events than the decided transactions (closing windows still on their way) */
  get short(): boolean {
    let t = 0,
      c = 0;
    for (const n of this.truth.values()) t += n;
    for (const n of this.counted.values()) c += n;
    return c < t;
  }

  finish(): WindowCheck {
    let events = 0,
      counted = 0,
      mismatched = 0,
      over = 0,
      under = 0;
    const sample: string[] = [];
    const keys = new Set([...this.truth.keys(), ...this.counted.keys()]);
    for (const k of keys) {
      const t = this.truth.get(k) ?? 0;
      const c = this.counted.get(k) ?? 0;
      events += t;
      counted += c;
      if (c === t) continue;
      mismatched++;
      if (c > t) over += c - t;
      else under += t - c;
      if (sample.length < 10) sample.push(`${k}: ${c}/${t}`);
    }
    return {
      windows: this.truth.size,
      events,
      observed: this.counted.size,
      records: this.records,
      counted,
      mismatched,
      over,
      under,
      exact: mismatched === 0 && this.truth.size > 0,
      sample,
    };
  }
}
