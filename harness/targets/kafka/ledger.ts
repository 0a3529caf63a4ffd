/**
 * The kafka target's books: every produced event is expected once on every results topic. Per
 * topic, an event ends matched, or missing after the drain; a second result for an event already
 * matched there is a duplicate; a result whose id this run never produced is foreign (another
 * run's records, or a correlation rule that reads the wrong thing).
 */

export interface TopicAccounting {
  matched: number;
  missing: number;
  duplicates: number;
  /** results whose correlation id matched no event this run produced */
  foreign: number;
  /** results the correlation rule could not read an id from (no such field, header or key) */
  unreadable: number;
  /** some missing ids, for debugging */
  missingSample: string[];
}

export interface KafkaAccounting {
  /** records the broker acknowledged */
  produced: number;
  /** sends that failed (never reached the broker; iteration errors) */
  produceFailed: number;
  /** sums over the results topics */
  matched: number;
  missing: number;
  duplicates: number;
  foreign: number;
  byTopic: Record<string, TopicAccounting>;
  drainMs: number;
}

interface Entry {
  /** intended send time, ms since the Unix epoch */
  sent: number;
  /** bit i: seen on results topic i */
  seen: number;
}

const SAMPLE = 20;

export class KafkaLedger {
  private readonly events = new Map<string, Entry>();
  private readonly topics: string[];
  private readonly full: number;
  private produced = 0;
  private produceFailed = 0;
  /** (event, topic) pairs still expected */
  private open = 0;
  private readonly byTopic: Record<string, TopicAccounting> = {};

  constructor(resultTopics: string[]) {
    this.topics = resultTopics;
    this.full = (1 << resultTopics.length) - 1;
    for (const t of resultTopics)
      this.byTopic[t] = { matched: 0, missing: 0, duplicates: 0, foreign: 0, unreadable: 0, missingSample: [] };
  }

  /** before the send: the event exists from now (a result may beat the ack) */
  produce(id: string, sentEpochMs: number): void {
    if (this.events.has(id)) return;
    this.events.set(id, { sent: sentEpochMs, seen: 0 });
    this.produced++;
    this.open += this.topics.length;
  }

  /** the broker never acknowledged it: neither produced nor expected */
  failed(id: string): void {
    const e = this.events.get(id);
    if (!e) return;
    this.events.delete(id);
    this.produced--;
    this.produceFailed++;
    this.open -= this.topics.length - popcount(e.seen);
  }

  /**
   * A result on topic index `ti` carrying `id` (undefined: the rule read nothing). Returns the
   * event's intended send time on its first match there, else undefined (duplicate, foreign).
   */
  result(ti: number, id: string | undefined): number | undefined {
    const acc = this.byTopic[this.topics[ti]!]!;
    if (id === undefined) {
      acc.unreadable++;
      return undefined;
    }
    const e = this.events.get(id);
    if (!e) {
      acc.foreign++;
      return undefined;
    }
    const bit = 1 << ti;
    if (e.seen & bit) {
      acc.duplicates++;
      return undefined;
    }
    e.seen |= bit;
    acc.matched++;
    this.open--;
    return e.sent;
  }

  /** results still expected */
  get outstanding(): number {
    return this.open;
  }

  /** results seen on a topic so far, and how many matched (for the "check correlate" warning) */
  seen(ti: number): { results: number; matched: number } {
    const a = this.byTopic[this.topics[ti]!]!;
    return { results: a.matched + a.duplicates + a.foreign + a.unreadable, matched: a.matched };
  }

  /** closes the books: what is still expected is missing */
  finish(drainMs: number): KafkaAccounting {
    if (this.full !== 0)
      for (const [id, e] of this.events) {
        if (e.seen === this.full) continue;
        this.topics.forEach((t, i) => {
          if (e.seen & (1 << i)) return;
          const acc = this.byTopic[t]!;
          acc.missing++;
          if (acc.missingSample.length < SAMPLE) acc.missingSample.push(id);
        });
      }
    const sum = (k: 'matched' | 'missing' | 'duplicates' | 'foreign') =>
      Object.values(this.byTopic).reduce((a, t) => a + t[k], 0);
    return {
      produced: this.produced,
      produceFailed: this.produceFailed,
      matched: sum('matched'),
      missing: sum('missing'),
      duplicates: sum('duplicates'),
      foreign: sum('foreign'),
      byTopic: this.byTopic,
      drainMs: Math.round(drainMs),
    };
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}
