/**
 * The right to be forgotten for one user (`pipelab forget <userId>`): the user's data key
 * destroyed (a tombstone on the compacted key topic `pipelab-pii-keys`: crypto-shredding,
 * vault.ts), tombstones for the user's key on every other compacted topic (in each partition the
 * key was found in), deletion of the user's features from the feature store, an audit record,
 * then a check that reads every topic again and says what about the user is still readable, and
 * why. A record is readable when a PII field of it (TRANSACTION_PII, USER_EVENT_PII, or `*`, a
 * value sealed whole) is in clear, or sealed under a key that still exists (the master key, or a
 * data key of the user still on the key topic); one whose PII is sealed under the user's destroyed
 * data key is shredded; one without PII fields (amounts, scores under the user id) is a
 * pseudonymous remainder, reported but not personal data once the key is gone:
 * - a compacted topic keeps the tombstone (a key, no data) for delete.retention.ms, and removes
 *   the user's older records at its next compaction pass; records in batches a broker cannot
 *   rewrite (the embedded broker keeps lz4/snappy/zstd batches whole) stay;
 * - a topic that is not compacted keeps every record until retention.ms expires it: a tombstone
 *   there erases nothing, so none is written, and the check names the topic and its retention;
 * - a record keyed by someone else that mentions the user (`"<userId>"` in its value) is found
 *   and counted, and no tombstone can remove it.
 * The audit topic is read like the others but kept: it is the record that the user's data was
 * accessed and forgotten.
 *
 * Pipeline components receive their connections: the caller hands over a kafkajs client and the
 * feature store.
 */
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { TRANSACTION_PII, USER_EVENT_PII } from '../../generators/schemas/pii.ts';
import type { FeatureStore } from '../features/store.ts';
import { AUDIT_TOPIC, auditMessage, ensureAuditTopic } from './audit.ts';
import { PII_HEADERS, PII_PREFIX, WHOLE_VALUE } from './cipher.ts';
import { DEK_PREFIX, KEYS_TOPIC } from './vault.ts';

export interface TopicForget {
  topic: string;
  /** cleanup.policy includes compact */
  compacted: boolean;
  /** retention.ms of a topic that is not compacted (when its records expire), if any */
  retentionMs?: number;
  /** records keyed by the user with a value, before */
  before: number;
  /** tombstones written (one per partition holding the key) */
  tombstones: number;
  /** records still readable after: keyed by the user with PII readable, or mentioning the user */
  remaining: number;
  /** records keyed by the user whose PII is sealed under the user's destroyed data key */
  shredded: number;
  /** records keyed by the user without PII fields (pseudonymous: amounts, scores under the user id) */
  pseudonymous: number;
  /** of `remaining`, records keyed by someone else that mention the user */
  mentions: number;
  /** tombstones for the user's key still in the log (no data; removed after delete.retention.ms) */
  tombstonesLeft: number;
}

export interface ForgetReport {
  userId: string;
  topics: TopicForget[];
  /** features deleted: users that had any (0 or 1), or undefined without a store */
  featureStore?: { kind: string; deleted: number; remaining: boolean };
  /** nothing readable about the user remains outside the audit trail */
  forgotten: boolean;
}

export interface ForgetOptions {
  kafka: Kafka;
  userId: string;
  store?: FeatureStore;
  /** who asked (audit principal; default 'pipelab-forget') */
  principal?: string;
  /** how long to wait for compaction to remove the user's records (default 0: check once) */
  waitMs?: number;
  /** runs a compaction pass now (the embedded broker's broker.compact()), if the caller can */
  compact?: () => unknown;
}

interface Scan {
  keyed: number;
  readable: number;
  shredded: number;
  pseudonymous: number;
  tombstones: number;
  mentions: number;
  partitions: Set<number>;
  /** `partition\0key` of every key of the user's seen (the id itself, or a composite key holding it) */
  keys: Set<string>;
  /** on the key topic: the user's data key ids still readable there */
  deks: Set<string>;
}

const PII_FIELD_NAMES = [...new Set([...Object.keys(TRANSACTION_PII), ...Object.keys(USER_EVENT_PII), WHOLE_VALUE])];
/** `"field":` then the value's first characters: sealed values start with "pii: */
const PII_FIELD = new RegExp(
  `"(?:${PII_FIELD_NAMES.map((f) => f.replace(/[*]/g, '\\*')).join('|')})":\\s*("?)(.{0,4})`,
  'g',
);

function headerText(h: IHeaders | undefined, k: string): string | undefined {
  const v = h?.[k];
  return v === undefined ? undefined : String(v);
}

/**
 * What a record of the user's tells: 'readable' (a PII field in clear, or sealed under a key that
 * still exists), 'shredded' (PII sealed only under a data key of the user that is gone) or
 * 'pseudonymous' (no PII field). Read from the text, so a truncated value is judged too.
 */
function classifyRecord(
  m: Pick<KafkaMessage, 'value' | 'headers'>,
  liveDeks: ReadonlySet<string>,
): 'readable' | 'shredded' | 'pseudonymous' {
  const text = m.value?.toString('utf8') ?? '';
  let sealed = false;
  for (const f of text.matchAll(PII_FIELD)) {
    if (f[1] === '"' && f[2] === PII_PREFIX) sealed = true;
    else return 'readable';
  }
  if (!sealed) return 'pseudonymous';
  const keyId = headerText(m.headers, PII_HEADERS.keyId) ?? '';
  return keyId.startsWith(DEK_PREFIX) && !liveDeks.has(keyId) ? 'shredded' : 'readable';
}

/** the data key id of a key-topic record ('?' when unreadable: still counted as a live key) */
function dekOf(v: Buffer): string {
  try {
    return String((JSON.parse(v.toString('utf8')) as { dek?: unknown }).dek);
  } catch {
    return '?';
  }
}

/**
 * A key of the user's: the user id, or a composite key with it as one part (`w|<windowEnd>|u7`,
 * a processor changelog's window; parts split at `|`, `:` or `/`)
 */
function ownKey(key: string, userId: string): boolean {
  return key === userId || (key.includes(userId) && key.split(/[|:/]/).includes(userId));
}

let scanSeq = 0;

/** every record of `topic` up to its current end: the user's keyed records, tombstones and mentions */
async function scanTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  userId: string,
  liveDeks: ReadonlySet<string> = new Set(),
): Promise<Scan> {
  const scan: Scan = {
    keyed: 0,
    readable: 0,
    shredded: 0,
    pseudonymous: 0,
    tombstones: 0,
    mentions: 0,
    partitions: new Set(),
    keys: new Set(),
    deks: new Set(),
  };
  const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low));
  if (ends.length === 0) return scan;
  const left = new Map(ends.map((p) => [p.partition, Number(p.high) - 1]));
  const quoted = JSON.stringify(userId);
  const c = kafka.consumer({ groupId: `pipelab-forget-${process.pid}-${++scanSeq}`, maxWaitTimeInMs: 50 });
  await c.connect();
  try {
    await c.subscribe({ topic, fromBeginning: true });
    let progress = Date.now();
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const key = m.key?.toString('utf8');
          if (key !== undefined && ownKey(key, userId)) {
            scan.partitions.add(batch.partition);
            scan.keys.add(`${batch.partition}\0${key}`);
            if (m.value === null) scan.tombstones++;
            else {
              scan.keyed++;
              if (topic === KEYS_TOPIC) scan.deks.add(dekOf(m.value));
              else scan[classifyRecord(m, liveDeks)]++;
            }
          } else if (m.value?.includes(quoted)) scan.mentions++;
        }
        const end = left.get(batch.partition);
        if (end !== undefined && Number(batch.lastOffset()) >= end) left.delete(batch.partition);
        progress = Date.now();
      },
    });
    // the end of every partition, or 3 s without a record (a gap left by compaction at the end)
    while (left.size && Date.now() - progress < 3000) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await c.disconnect();
  }
  return scan;
}

async function topicConfigs(admin: Admin, topics: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (!topics.length) return out;
  const r = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: 2, name })),
  });
  for (const res of r.resources)
    out.set(res.resourceName, Object.fromEntries(res.configEntries.map((e) => [e.configName, e.configValue])));
  return out;
}

/** the user's data key destroyed, tombstones on compacted topics, features deleted, an audit record; then the check */
export async function forgetUser(o: ForgetOptions): Promise<ForgetReport> {
  const admin = o.kafka.admin();
  await admin.connect();
  const producer = o.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    // audited first: the request is on record even if what follows fails
    await writeAudit(producer, o);
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const configs = await topicConfigs(admin, topics);
    const compacted = (t: string) => (configs.get(t)?.['cleanup.policy'] ?? 'delete').includes('compact');
    const results: TopicForget[] = [];
    for (const topic of topics) {
      const s = await scanTopic(o.kafka, admin, topic, o.userId);
      // the data key is destroyed whatever the scan found (one partition; a tombstone costs nothing)
      const parts =
        topic === KEYS_TOPIC
          ? [{ partition: 0, key: o.userId }]
          : compacted(topic) && topic !== AUDIT_TOPIC
            ? [...s.keys].map((pk) => ({ partition: Number(pk.split('\0')[0]), key: pk.split('\0')[1] as string }))
            : [];
      if (parts.length) await producer.send({ topic, acks: -1, messages: parts.map((t) => ({ ...t, value: null })) });
      const retention = Number(configs.get(topic)?.['retention.ms']);
      results.push({
        topic,
        compacted: compacted(topic),
        ...(!compacted(topic) && Number.isFinite(retention) ? { retentionMs: retention } : {}),
        before: s.keyed,
        tombstones: parts.length,
        remaining: topic === AUDIT_TOPIC ? s.keyed : s.readable + s.mentions,
        shredded: s.shredded,
        pseudonymous: s.pseudonymous,
        mentions: s.mentions,
        tombstonesLeft: s.tombstones + parts.length,
      });
    }
    const featureStore = o.store ? await forgetFeatures(o.store, o.userId) : undefined;
    await check(o, admin, results);
    const readable = results.some((r) => r.topic !== AUDIT_TOPIC && r.remaining > 0);
    return {
      userId: o.userId,
      topics: results,
      ...(featureStore ? { featureStore } : {}),
      forgotten: !readable && !featureStore?.remaining,
    };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

async function forgetFeatures(store: FeatureStore, userId: string) {
  const deleted = await store.deleteMany([userId]);
  return { kind: store.kind, deleted, remaining: (await store.get(userId)) !== undefined };
}

async function writeAudit(producer: ReturnType<Kafka['producer']>, o: ForgetOptions): Promise<void> {
  await ensureAuditTopic(o.kafka);
  await producer.send({
    topic: AUDIT_TOPIC,
    acks: -1,
    messages: [
      auditMessage({
        what: 'forget',
        key: o.userId,
        at: new Date().toISOString(),
        principal: o.principal ?? 'pipelab-forget',
      }),
    ],
  });
}

/**
 * Re-reads every topic (compacted ones until clean or `waitMs` passed): the key topic first (which
 * of the user's data keys are still readable), then the others, judged against those keys.
 */
async function check(o: ForgetOptions, admin: Admin, results: TopicForget[]): Promise<void> {
  const deadline = Date.now() + (o.waitMs ?? 0);
  const order = [...results].sort((a, b) => Number(b.topic === KEYS_TOPIC) - Number(a.topic === KEYS_TOPIC));
  for (;;) {
    await o.compact?.();
    let live = new Set<string>();
    for (const r of order) {
      const s = await scanTopic(o.kafka, admin, r.topic, o.userId, live);
      if (r.topic === KEYS_TOPIC) live = s.deks;
      // the audit trail is kept whole; the key topic's records are the user's data keys
      r.remaining = r.topic === AUDIT_TOPIC || r.topic === KEYS_TOPIC ? s.keyed : s.readable + s.mentions;
      r.shredded = s.shredded;
      r.pseudonymous = s.pseudonymous;
      r.mentions = s.mentions;
      r.tombstonesLeft = s.tombstones;
    }
    const waiting = results.some((r) => r.compacted && r.topic !== AUDIT_TOPIC && r.remaining > r.mentions);
    if (!waiting || Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
