/**
 * Lag mode: the system under test's consumer group watched from outside, as KEDA and Burrow do —
 * its committed offsets against the topic's end offsets once a second → `consumer_lag` per
 * partition (tag `partition`) and in total, `consumer_rate` (records committed per second), and
 * after the load how long the group took to drain (lag back to 0), for systems whose output
 * pipelab cannot observe.
 */
import type { Admin } from 'kafkajs';
import type { MetricsRegistry } from '../../metrics/api.ts';

export interface LagReport {
  group: string;
  topic: string;
  /** the largest total lag seen */
  maxLag: number;
  /** total lag when the load stopped, and when the drain ended */
  lagAtLoadEnd: number;
  lagAtEnd: number;
  /** ms from the end of the load until the lag was 0; undefined when it never got there */
  drainMs?: number;
  /** the group never committed an offset on the topic */
  neverCommitted: boolean;
}

export class LagWatcher {
  private timer: NodeJS.Timeout | undefined;
  private last: { t: number; committed: number } | undefined;
  private maxLag = 0;
  private lastLag = 0;
  private committedOnce = false;
  private busy = false;

  constructor(
    private readonly admin: Admin,
    private readonly group: string,
    private readonly topic: string,
    private readonly metrics: MetricsRegistry,
    private readonly now: () => number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  /** one reading: per-partition lag, total, consumption rate */
  async sample(): Promise<number> {
    if (this.busy) return this.lastLag;
    this.busy = true;
    try {
      const [ends, commits] = await Promise.all([
        this.admin.fetchTopicOffsets(this.topic),
        this.admin.fetchOffsets({ groupId: this.group, topics: [this.topic] }),
      ]);
      const committed = new Map((commits[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
      const t = this.now();
      let total = 0;
      let sumCommitted = 0;
      const lag = this.metrics.gauge('consumer_lag');
      for (const p of ends) {
        const end = Number(p.high);
        const c = committed.get(p.partition) ?? -1;
        if (c >= 0) this.committedOnce = true;
        const l = Math.max(0, end - (c >= 0 ? c : Number(p.low)));
        total += l;
        sumCommitted += Math.max(0, c);
        lag.set(l, t, { partition: String(p.partition) });
      }
      lag.set(total, t);
      if (this.last && t > this.last.t)
        this.metrics.gauge('consumer_rate').set(((sumCommitted - this.last.committed) * 1000) / (t - this.last.t), t);
      this.last = { t, committed: sumCommitted };
      this.maxLag = Math.max(this.maxLag, total);
      this.lastLag = total;
      return total;
    } catch {
      return this.lastLag; // a reading that failed (a rebalance, a slow admin call): try again next second
    } finally {
      this.busy = false;
    }
  }

  /** after the load: sample until the lag is 0 or `timeoutMs` passes */
  async drain(timeoutMs: number): Promise<LagReport> {
    if (this.timer) clearInterval(this.timer);
    const atEnd = await this.sample();
    const t0 = performance.now();
    let lag = atEnd;
    while (lag > 0 && performance.now() - t0 < timeoutMs) {
      await new Promise((r) => setTimeout(r, 250));
      lag = await this.sample();
    }
    return {
      group: this.group,
      topic: this.topic,
      maxLag: this.maxLag,
      lagAtLoadEnd: atEnd,
      lagAtEnd: lag,
      ...(lag === 0 && this.committedOnce ? { drainMs: Math.round(performance.now() - t0) } : {}),
      neverCommitted: !this.committedOnce,
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
