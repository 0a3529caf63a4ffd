/**
 * The processor's changelog (Kafka Streams' layout): one compacted topic per input topic,
 * `<group>-<topic>-changelog`, with as many partitions as the input topic; input partition p's
 * state lives in changelog partition p. Records, keyed so that compaction keeps the newest state:
 *   `w|<windowEnd>|<userId>`  an open window's running aggregate, a tombstone once it closed
 *   `meta`                    the newest event time seen (the watermark's base) and the input offset covered
 *   `d|<slot>`                a segment of the dedup ids written (a ring of DEDUP_SLOTS segments)
 */
import type { Admin, Message } from 'kafkajs';
import { replicationFor } from '../../topics.ts';
import type { Open } from '../windows.ts';

const DEDUP_SLOTS = 16;
/** ids kept per dedup segment (the newest): bounds a record's size */
const DEDUP_SEGMENT_IDS = 10_000;

const changelogTopic = (groupId: string, topic: string) => `${groupId}-${topic}-changelog`;

/** what a partition's changelog restores */
export interface Snapshot {
  windows: Array<{ end: number; w: Open }>;
  /** -Infinity when nothing was seen */
  maxEventTime: number;
  /** the input offset the state covers (next offset to process); undefined when never checkpointed */
  offset?: number;
  /** dedup ids, oldest first */
  ids: string[];
}

export interface Meta {
  maxEventTime: number | null;
  offset: number;
}

export function windowRecord(partition: number, key: string, w: Open | null): Message {
  return { partition, key: `w|${key}`, value: w ? JSON.stringify(w) : null };
}

export function metaRecord(partition: number, meta: Meta): Message {
  return { partition, key: 'meta', value: JSON.stringify(meta) };
}

export function dedupRecord(partition: number, seq: number, ids: string[]): Message {
  const value = JSON.stringify({ seq, ids: ids.slice(-DEDUP_SEGMENT_IDS) });
  return { partition, key: `d|${seq % DEDUP_SLOTS}`, value };
}

/** the newest value per key of one changelog partition (null = tombstone) → its state */
export function decodeSnapshot(records: Map<string, Buffer | null>): Snapshot {
  const s: Snapshot = { windows: [], maxEventTime: -Infinity, ids: [] };
  const segments: Array<{ seq: number; ids: string[] }> = [];
  for (const [key, value] of records) {
    if (value === null) continue;
    const v = JSON.parse(value.toString('utf8'));
    if (key === 'meta') {
      const m = v as Meta;
      s.maxEventTime = m.maxEventTime ?? -Infinity;
      s.offset = m.offset;
    } else if (key.startsWith('w|')) {
      const end = Number(key.slice(2, key.indexOf('|', 2)));
      s.windows.push({ end, w: v as Open });
    } else if (key.startsWith('d|')) segments.push(v as { seq: number; ids: string[] });
  }
  for (const seg of segments.sort((a, b) => a.seq - b.seq)) s.ids.push(...seg.ids);
  return s;
}

/** the highest dedup segment number in a snapshot's ring (the next checkpoint writes the one after) */
export function lastSegment(records: Map<string, Buffer | null>): number {
  let seq = -1;
  for (const [key, value] of records)
    if (key.startsWith('d|') && value) seq = Math.max(seq, (JSON.parse(value.toString('utf8')) as { seq: number }).seq);
  return seq;
}

/** creates the changelog of `topic` (compacted, the input's partition count) unless it exists */
export async function ensureChangelog(admin: Admin, groupId: string, topic: string): Promise<string> {
  const name = changelogTopic(groupId, topic);
  const existing = new Set(await admin.listTopics());
  if (existing.has(name)) return name;
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = meta.topics[0]?.partitions.length ?? 1;
  const cluster = await admin.describeCluster();
  await admin
    .createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: name,
          numPartitions: partitions,
          replicationFactor: replicationFor(cluster.brokers.length),
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    })
    .catch(async (e: Error) => {
      // several processors starting at once race to create it: losing that race is fine
      if (!(await admin.listTopics()).includes(name)) throw e;
    });
  return name;
}
