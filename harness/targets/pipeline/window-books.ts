/**
 * The windows' ground truth: every transaction decided (its first result) belongs to exactly one
 * tumbling window of its user, so the generator's events give each (user, window) its true count.
 * The aggregates observed on processed-events are summed per (user, window) (a window closed in
 * two parts, e.g. by a processor that stopped while its partition moved on, sums to the same
 * count) and compared: `exact` when every window's count equals the truth. Windows close when
 * the processors stop (end of input), so the books are read after they did.
 *
 * A soak keeps every (user, window) of the run (61k in 30 minutes at 1,400/s): a user is a number
 * (one map entry per user for the run) and a window's users a map from that number to a slot in
 * the window's count arrays, ~50 B per (user, window) where a string key in two maps took ~160.
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

/** one window's users (user number → slot) and their counts by slot */
interface Window {
  readonly start: number;
  readonly slots: Map<number, number>;
  /** per slot: the user's number, the true count, and 1 + the count observed (0: no aggregate observed) */
  user: Uint32Array;
  truth: Uint32Array;
  counted: Uint32Array;
}

const FIRST_SLOTS = 16;

export class WindowBooks {
  private readonly userOf = new Map<string, number>();
  private readonly users: string[] = [];
  private readonly windows = new Map<number, Window>();
  private records = 0;
  private truthTotal = 0;
  private countedTotal = 0;

  constructor(readonly sizeMs: number) {}

  /** a transaction's first decision */
  decided(userId: string, eventTime: number): void {
    const w = this.window(Math.floor(eventTime / this.sizeMs) * this.sizeMs);
    const i = this.slot(w, userId);
    w.truth[i]!++;
    this.truthTotal++;
  }

  /** an aggregate record on processed-events */
  observed(userId: string, windowStart: number, count: number): void {
    const w = this.window(windowStart);
    const i = this.slot(w, userId);
    w.counted[i] = (w.counted[i] || 1) + count;
    this.records++;
    this.countedTotal += count;
  }

  /** the aggregates so far count fewer events than the decided transactions (closing windows still on their way) */
  get short(): boolean {
    return this.countedTotal < this.truthTotal;
  }

  finish(): WindowCheck {
    const r: WindowCheck = {
      windows: 0,
      events: 0,
      observed: 0,
      records: this.records,
      counted: 0,
      mismatched: 0,
      over: 0,
      under: 0,
      exact: false,
      sample: [],
    };
    for (const w of this.windows.values())
      for (let i = 0; i < w.slots.size; i++) {
        const t = w.truth[i]!;
        const seen = w.counted[i]!;
        const c = seen ? seen - 1 : 0;
        if (t > 0) r.windows++;
        if (seen) r.observed++;
        r.events += t;
        r.counted += c;
        if (c === t) continue;
        r.mismatched++;
        if (c > t) r.over += c - t;
        else r.under += t - c;
        if (r.sample.length < 10) r.sample.push(`${this.users[w.user[i]!]}/${w.start}: ${c}/${t}`);
      }
    r.exact = r.mismatched === 0 && r.windows > 0;
    return r;
  }

  private window(start: number): Window {
    let w = this.windows.get(start);
    if (!w) {
      w = { start, slots: new Map(), ...counts(FIRST_SLOTS) };
      this.windows.set(start, w);
    }
    return w;
  }

  /** the user's slot in window w, added if new */
  private slot(w: Window, userId: string): number {
    let u = this.userOf.get(userId);
    if (u === undefined) {
      u = this.users.push(userId) - 1;
      this.userOf.set(userId, u);
    }
    let i = w.slots.get(u);
    if (i !== undefined) return i;
    i = w.slots.size;
    if (i === w.user.length) Object.assign(w, grown(w, 2 * i));
    w.slots.set(u, i);
    w.user[i] = u;
    return i;
  }
}

function counts(n: number): Pick<Window, 'user' | 'truth' | 'counted'> {
  return { user: new Uint32Array(n), truth: new Uint32Array(n), counted: new Uint32Array(n) };
}

function grown(w: Window, n: number): Pick<Window, 'user' | 'truth' | 'counted'> {
  const c = counts(n);
  c.user.set(w.user);
  c.truth.set(w.truth);
  c.counted.set(w.counted);
  return c;
}
