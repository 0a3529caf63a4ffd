/**
 * The window books as they were before the compact ones (a `user/windowStart` string key in two
 * maps per (user, window)): the oracle test/harness/targets/window-books.test.ts checks
 * harness/targets/pipeline/window-books.ts against. Not used by pipelab itself.
 */
import type { WindowCheck } from '../../harness/targets/pipeline/window-books.ts';

export class MapWindowBooks {
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
