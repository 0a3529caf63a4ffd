/**
 * Per-user 5-minute tumbling event-time windows with a watermark (DESIGN.md "Reference
 * pipeline"). One instance per input partition: keys are partitioned by user id, so a user's
 * windows live with one partition and its watermark.
 *
 * watermark = max event time seen − allowed lateness. A window [start, end) closes (is emitted)
 * once the watermark reaches its end; until then out-of-order events for it still count. An
 * event whose window has already closed (end ≤ watermark) is late beyond the allowed lateness:
 * `add` reports it as 'late' and the caller dead-letters and counts it, never drops it silently.
 * Event time comes from the events only, so tests drive it without any clock.
 */
export interface WindowAggregate {
  userId: string;
  windowStart: number;
  windowEnd: number;
  count: number;
  sum: number;
  avg: number;
  fraudCount: number;
}

export interface WindowOptions {
  /** window size, ms (default 300 000 = 5 min) */
  sizeMs?: number;
  /** how far behind the newest event time an event may arrive and still count (default 60 000) */
  allowedLatenessMs?: number;
}

export const WINDOW_DEFAULTS = { sizeMs: 300_000, allowedLatenessMs: 60_000 };

/** an open window's running aggregate */
export interface Open {
  userId: string;
  start: number;
  count: number;
  sum: number;
  fraudCount: number;
}

export class TumblingWindows {
  readonly sizeMs: number;
  readonly allowedLatenessMs: number;
  private maxEventTime = -Infinity;
  /** open windows by end time, then user */
  private readonly open = new Map<number, Map<string, Open>>();
  late = 0;
  closed = 0;

  constructor(o: WindowOptions = {}) {
    this.sizeMs = o.sizeMs ?? WINDOW_DEFAULTS.sizeMs;
    this.allowedLatenessMs = o.allowedLatenessMs ?? WINDOW_DEFAULTS.allowedLatenessMs;
    if (!(this.sizeMs > 0)) throw new RangeError('window size must be > 0');
    if (!(this.allowedLatenessMs >= 0)) throw new RangeError('allowed lateness must be ≥ 0');
  }

  get watermark(): number {
    return this.maxEventTime - this.allowedLatenessMs;
  }

  windowStart(eventTime: number): number {
    return Math.floor(eventTime / this.sizeMs) * this.sizeMs;
  }

  /** fold one event in; 'late' when its window has already closed (the event is not counted in any window) */
  add(userId: string, eventTime: number, amount: number, fraud: boolean): 'ok' | 'late' {
    const start = this.windowStart(eventTime);
    const end = start + this.sizeMs;
    if (end <= this.watermark) {
      this.late++;
      return 'late';
    }
    if (eventTime > this.maxEventTime) this.maxEventTime = eventTime;
    let users = this.open.get(end);
    if (!users) {
      users = new Map();
      this.open.set(end, users);
    }
    let w = users.get(userId);
    if (!w) {
      w = { userId, start, count: 0, sum: 0, fraudCount: 0 };
      users.set(userId, w);
    }
    w.count++;
    w.sum += amount;
    if (fraud) w.fraudCount++;
    return 'ok';
  }

  /** windows whose end the watermark has reached, removed from state (oldest first) */
  closeReady(): WindowAggregate[] {
    return this.closeUpTo(this.watermark);
  }

  /** end of input (shutdown, drain): close every open window, as Flink's final watermark does */
  flush(): WindowAggregate[] {
    return this.closeUpTo(Infinity);
  }

  /** an open window's running aggregate (undefined once closed): what a checkpoint writes */
  entry(userId: string, end: number): Readonly<Open> | undefined {
    return this.open.get(end)?.get(userId);
  }

  /** the newest event time seen (the watermark's base), for a checkpoint */
  get maxEventTimeSeen(): number {
    return this.maxEventTime;
  }

  /** restores a checkpoint: open windows by end time and the newest event time seen */
  load(windows: Iterable<{ end: number; w: Open }>, maxEventTime: number): void {
    this.open.clear();
    this.maxEventTime = maxEventTime;
    for (const { end, w } of windows) {
      const users = this.open.get(end) ?? new Map<string, Open>();
      this.open.set(end, users);
      users.set(w.userId, { ...w });
    }
  }

  openWindows(): number {
    let n = 0;
    for (const u of this.open.values()) n += u.size;
    return n;
  }

  private closeUpTo(wm: number): WindowAggregate[] {
    const out: WindowAggregate[] = [];
    const ends = [...this.open.keys()].filter((e) => e <= wm).sort((a, b) => a - b);
    for (const end of ends) {
      for (const w of (this.open.get(end) as Map<string, Open>).values()) {
        out.push({
          userId: w.userId,
          windowStart: w.start,
          windowEnd: end,
          count: w.count,
          sum: Math.round(w.sum * 100) / 100,
          avg: w.count ? Math.round((w.sum / w.count) * 100) / 100 : 0,
          fraudCount: w.fraudCount,
        });
      }
      this.open.delete(end);
    }
    this.closed += out.length;
    return out;
  }
}
