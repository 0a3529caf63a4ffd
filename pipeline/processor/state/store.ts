/**
 * Checkpointed processor state (Flink's checkpoints, Kafka Streams' changelog topics): each
 * input partition's windows and the dedup ids it wrote, in the changelog of its input topic
 * (changelog.ts). A partition's state is restored from its changelog before the processor
 * handles its first batch after a start or a rebalance, and dropped when a rebalance takes the
 * partition away.
 *
 * - exactly-once: the windows a chunk changed (and the partition's watermark and offset) are
 *   written in the chunk's transaction, so state, results and the group's offset always agree;
 *   the dedup ids go with the transaction that follows each checkpoint interval.
 * - at-least-once: every checkpoint interval (default 5 s) the changed windows, the watermark,
 *   the offset they cover and the dedup ids are written (acks -1). After a restore the processor
 *   seeks back to the checkpoint's offset when the group's offset is past it: the records between
 *   are processed again (their results are duplicates, counted downstream) and every event is
 *   counted in its window at least once.
 */
import type { Admin, Kafka, Message, TopicMessages } from 'kafkajs';
import { TOPICS } from '../../topics.ts';
import { RecentIds } from '../dedup.ts';
import type { Guarantee } from '../exactly-once.ts';
import type { WindowAggregate, WindowOptions } from '../windows.ts';
import { ensureChangelog, decodeSnapshot, dedupRecord, lastSegment, metaRecord, windowRecord } from './changelog.ts';
import { readChangelog, type ChangelogRecords } from './restore.ts';
import { TrackedWindows } from './tracked.ts';

const CHECKPOINT_INTERVAL_MS = 5000;
/** a closed window's record (the processor's aggregate message for the topic) */
export type Aggregate = (topic: string, a: WindowAggregate) => Message;
/** ids a partition's state remembers: at 1 000 events/s per partition, 20 s of redeliveries */
const SEEN_PER_PARTITION = 20_000;

export interface StateOptions {
  groupId: string;
  guarantee?: Guarantee;
  /** at-least-once checkpoint interval, and exactly-once's for the dedup ids (default 5000 ms) */
  checkpointIntervalMs?: number;
  windows?: WindowOptions;
}

export interface PartitionState {
  readonly windows: TrackedWindows;
  /**
   * the ids this state reflects (restored with its checkpoint, written since): a redelivery of one
   * is a duplicate, skipped. Kept per partition state, not per processor: an id that another owner
   * (or this processor, before a failed sink dropped the state) wrote after the checkpoint this
   * state restored is not in its windows, so it must be processed again (a duplicate decision,
   * counted downstream) rather than skipped (a window short of its events)
   */
  readonly seen: RecentIds;
  /** dedup ids written since the last checkpoint */
  ids: string[];
  /** the last dedup segment written */
  seq: number;
  /** when the last checkpoint was written (performance.now()); -Infinity before the first */
  at: number;
  /** records below this offset were processed before a restore: processed again, not skipped as duplicates */
  replayUntil: number;
  /** the next input offset to process (what a checkpoint covers) */
  next: number;
}

export interface StateStats {
  checkpoints: number;
  restores: number;
  restoredWindows: number;
  /** partitions sought back to their checkpoint's offset after a restore (at-least-once) */
  replays: number;
  /** why a changelog could not be set up (state then lives in memory only, as without checkpoints) */
  off?: string;
  /** exactly-once, at the stop: partitions whose open windows could not be closed (every try failed) */
  unclosed?: number;
}

export class ProcessorState {
  readonly intervalMs: number;
  readonly counts: StateStats = { checkpoints: 0, restores: 0, restoredWindows: 0, replays: 0 };
  private readonly parts = new Map<string, PartitionState>();
  private readonly loading = new Map<string, Promise<{ s: PartitionState; offset?: number }>>();
  private readonly changelogs = new Map<string, string>();
  private memberId?: string;
  private assignment: Record<string, number[]> = {};

  constructor(
    private readonly kafka: Kafka,
    private readonly o: StateOptions,
  ) {
    this.intervalMs = o.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    if (!(this.intervalMs >= 0)) throw new RangeError('checkpoint interval must be ≥ 0');
  }

  /**
   * creates the changelog topics of the input topics that are missing. A principal that may not
   * create or describe them (ACLs) runs without checkpoints: `counts.off` says why
   */
  async start(admin: Admin, topics: string[]): Promise<void> {
    for (const t of topics)
      try {
        this.changelogs.set(t, await ensureChangelog(admin, this.o.groupId, t));
      } catch (e) {
        this.counts.off = `${t}: ${(e as Error).message}`;
      }
  }

  /**
   * a rebalance: the state of partitions no longer assigned is dropped (their next owner restores
   * it). A new member id means the group had removed this member (its session expired, e.g. while
   * a commit hung on a dead coordinator) and others may have processed any of its partitions
   * since: every state is dropped (Kafka's onPartitionsLost), as the ones kept would be stale.
   * Returns the assigned partitions' keys (`topic/partition`).
   */
  assigned(assignment: Record<string, number[]>, memberId?: string): Set<string> {
    if (memberId !== undefined && this.memberId !== undefined && memberId !== this.memberId) this.parts.clear();
    this.memberId = memberId ?? this.memberId;
    this.assignment = assignment;
    const keys = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    for (const k of [...this.parts.keys()]) if (!keys.has(k)) this.parts.delete(k);
    return keys;
  }

  /** the partitions whose windows this processor closes at the end: the ones it holds state of or was last assigned */
  owned(): Array<[string, number]> {
    const keys = new Set(this.parts.keys());
    for (const [topic, ps] of Object.entries(this.assignment))
      if (this.changelogs.has(topic)) for (const p of ps) keys.add(`${topic}/${p}`);
    return [...keys].map(splitKey);
  }

  /** forgets the partition's state (a failed sink): the next batch restores it from the changelog */
  drop(topic: string, partition: number): void {
    this.parts.delete(`${topic}/${partition}`);
  }

  /** state already loaded (undefined when the partition was never restored here) */
  get(topic: string, partition: number): PartitionState | undefined {
    return this.parts.get(`${topic}/${partition}`);
  }

  /**
   * the partition's state, restored from its changelog the first time; `offset` is the input
   * offset the restored state covers (undefined when there was no checkpoint or it was loaded before)
   */
  async ready(topic: string, partition: number): Promise<{ s: PartitionState; offset?: number }> {
    const k = `${topic}/${partition}`;
    const s = this.parts.get(k);
    if (s) return { s };
    let l = this.loading.get(k);
    if (!l) {
      l = this.restore(topic, partition).finally(() => this.loading.delete(k));
      this.loading.set(k, l);
    }
    return l;
  }

  private async restore(topic: string, partition: number): Promise<{ s: PartitionState; offset?: number }> {
    const changelog = this.changelogs.get(topic);
    const records = changelog
      ? ((await readChangelog(this.kafka, changelog, [partition], this.o.groupId)).get(partition) as ChangelogRecords)
      : new Map<string, Buffer | null>();
    const snap = decodeSnapshot(records);
    const windows = new TrackedWindows(this.o.windows);
    windows.load(snap.windows, snap.maxEventTime);
    const seen = new RecentIds(SEEN_PER_PARTITION);
    for (const id of snap.ids) seen.add(id);
    const seq = lastSegment(records);
    const s: PartitionState = { windows, seen, ids: [], seq, at: -Infinity, replayUntil: -1, next: snap.offset ?? 0 };
    this.parts.set(`${topic}/${partition}`, s);
    this.counts.restores++;
    this.counts.restoredWindows += snap.windows.length;
    return { s, offset: snap.offset };
  }

  /** ids written (acknowledged, or committed under exactly-once): a redelivery of them is a duplicate */
  written(s: PartitionState, ids: string[]): void {
    for (const id of ids) s.seen.add(id);
    for (const id of ids) s.ids.push(id);
    if (s.ids.length > 2 * 10_000) s.ids.splice(0, s.ids.length - 10_000);
  }

  /** is this record one the partition already wrote (skip it)? Not while replaying after a restore */
  isDuplicate(s: PartitionState, offset: string, id: string): boolean {
    return Number(offset) >= s.replayUntil && s.seen.has(id);
  }

  /**
   * before a batch: the partition's state, restored first when needed. Exactly-once fences the
   * previous owner (`fence`) before reading, so nothing is left open on the changelog. At-least-once:
   * when the group's offset is past the restored checkpoint it seeks back to the checkpoint and
   * returns undefined (the batch is dropped; its records come again after the checkpoint's).
   */
  async prepare(
    topic: string,
    partition: number,
    firstOffset: string,
    seek: (offset: string) => void,
    fence?: () => Promise<unknown>,
  ): Promise<PartitionState | undefined> {
    if (fence && !this.parts.has(`${topic}/${partition}`)) await fence();
    const { s, offset } = await this.ready(topic, partition);
    if (this.o.guarantee !== 'exactly-once' && offset !== undefined && offset < Number(firstOffset)) {
      s.replayUntil = Number(firstOffset);
      this.counts.replays++;
      seek(String(offset));
      return undefined;
    }
    return s;
  }

  /** a chunk ending before `nextOffset` was processed: is a checkpoint due? exactly-once: always (every transaction) */
  due(s: PartitionState, nextOffset: number): boolean {
    s.next = nextOffset;
    return this.o.guarantee === 'exactly-once' || performance.now() - s.at >= this.intervalMs;
  }

  /**
   * the changelog records of a checkpoint of the partition: the windows changed since the last
   * one, the watermark and the offset covered (`nextOffset`), and the dedup ids when the interval
   * has passed. Undefined when the topic has no changelog.
   */
  checkpoint(topic: string, partition: number, s: PartitionState, nextOffset: number) {
    const changelog = this.changelogs.get(topic);
    if (!changelog) return undefined;
    const messages: Message[] = s.windows.takeChanges().map(({ key, w }) => windowRecord(partition, key, w));
    const maxEventTime = s.windows.maxEventTimeSeen;
    messages.push(
      metaRecord(partition, { maxEventTime: Number.isFinite(maxEventTime) ? maxEventTime : null, offset: nextOffset }),
    );
    const now = performance.now();
    if (now - s.at >= this.intervalMs) {
      if (s.ids.length) messages.push(dedupRecord(partition, ++s.seq, s.ids));
      s.ids = [];
      s.at = now;
    }
    this.counts.checkpoints++;
    return { topic: changelog, messages };
  }

  /** end of input (graceful stop): every open window closes; its aggregate and the changelog's tombstones */
  flushAll(aggregate: Aggregate): { closed: number; out: TopicMessages[] } {
    const by = new Map<string, Message[]>();
    let closed = 0;
    for (const [k, s] of this.parts) {
      const [topic, partition] = splitKey(k);
      const f = this.flush(topic, partition, s, aggregate);
      closed += f.closed;
      for (const { topic: t, messages } of f.out) by.set(t, [...(by.get(t) ?? []), ...messages]);
    }
    const out = [...by].map(([topic, messages]) => ({ topic, messages }));
    return { closed, out };
  }

  /** one partition's part of flushAll: its open windows' aggregates and the changelog records that close them */
  flush(topic: string, partition: number, s: PartitionState, aggregate: Aggregate) {
    const aggregates = s.windows.flush().map((a) => aggregate(topic, a));
    s.at = -Infinity;
    const c = this.checkpoint(topic, partition, s, s.next);
    const out: TopicMessages[] = [];
    if (aggregates.length) out.push({ topic: TOPICS.processedEvents, messages: aggregates });
    if (c?.messages.length) out.push(c);
    return { closed: aggregates.length, out };
  }

  openWindows(): number {
    let n = 0;
    for (const s of this.parts.values()) n += s.windows.openWindows();
    return n;
  }
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf('/');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}
