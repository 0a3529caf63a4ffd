/**
 * Idempotent producers: producer ids, and per (producer, partition) the last 5 sequence ranges
 * (Kafka keeps 5 in-flight batches). A retried batch returns its original offset; a gap gets
 * OUT_OF_ORDER_SEQUENCE_NUMBER (45); an older epoch gets INVALID_PRODUCER_EPOCH (47).
 */
const KEEP = 5;

interface Range {
  first: number;
  last: number;
  baseOffset: number;
}
interface State {
  epoch: number;
  ranges: Range[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; code: number };

export class Producers {
  private nextId = 1000;
  private idStep = 1;
  private readonly states = new Map<string, State>();

  allocate(): { producerId: number; epoch: number } {
    const producerId = this.nextId;
    this.nextId += this.idStep;
    return { producerId, epoch: 0 };
  }

  /** replicated clusters: each node hands out ids from its own sequence (start, start + step, ...) */
  allocateFrom(start: number, step: number): void {
    this.nextId = start;
    this.idStep = step;
  }

  /** replicated clusters: forgets the sequence ranges of batches a follower truncated */
  truncate(topic: string, partition: number, offset: number): void {
    for (const [k, s] of this.states) {
      const [, t, p] = k.split('\0');
      if (t === topic && Number(p) === partition) s.ranges = s.ranges.filter((r) => r.baseOffset < offset);
    }
  }

  private key(pid: number, topic: string, partition: number): string {
    return `${pid}\0${topic}\0${partition}`;
  }

  check(
    pid: number,
    epoch: number,
    topic: string,
    partition: number,
    baseSequence: number,
    count: number,
  ): SequenceCheck {
    if (pid < 0) return { kind: 'append' };
    const s = this.states.get(this.key(pid, topic, partition));
    if (!s || epoch > s.epoch) return { kind: 'append' };
    if (epoch < s.epoch) return { kind: 'error', code: 47 };
    const last = baseSequence + count - 1;
    for (const r of s.ranges)
      if (r.first === baseSequence && r.last === last) return { kind: 'duplicate', baseOffset: r.baseOffset };
    const prev = s.ranges.at(-1);
    if (prev && baseSequence !== ((prev.last + 1) | 0) && !(prev.last === 0x7fffffff && baseSequence === 0))
      return { kind: 'error', code: 45 };
    return { kind: 'append' };
  }

  record(
    pid: number,
    epoch: number,
    topic: string,
    partition: number,
    baseSequence: number,
    count: number,
    baseOffset: number,
  ): void {
    if (pid < 0) return;
    const k = this.key(pid, topic, partition);
    let s = this.states.get(k);
    if (!s || epoch > s.epoch) {
      s = { epoch, ranges: [] };
      this.states.set(k, s);
    }
    s.ranges.push({ first: baseSequence, last: baseSequence + count - 1, baseOffset });
    if (s.ranges.length > KEEP) s.ranges.shift();
  }

  /**
   * a transaction marker of the producer at `epoch` (replicated clusters): a newer epoch than the
   * partition knew (the coordinator fenced a zombie) refuses the older one's batches from now on
   */
  marker(pid: number, epoch: number, topic: string, partition: number): void {
    const k = this.key(pid, topic, partition);
    const s = this.states.get(k);
    if (!s || epoch > s.epoch) this.states.set(k, { epoch, ranges: [] });
  }

  deleteTopic(topic: string): void {
    for (const k of this.states.keys()) if (k.split('\0')[1] === topic) this.states.delete(k);
  }
}
