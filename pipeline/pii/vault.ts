/**
 * Crypto-shredding: every user's personal data is encrypted under the user's own data key (DEK,
 * 32 random bytes), and `pipelab forget` destroys that key, which makes every copy of the user's
 * encrypted fields unreadable at once — in topics that are never compacted, dead letters,
 * consumers' copies and backups alike.
 *
 * The DEKs live on the compacted topic `pipelab-pii-keys`, keyed by the user id, one record per
 * user: `{ user, dek, kek, wrapped }`, the DEK wrapped (AES-256-GCM, the user and DEK id as
 * additional data) by the master key (the keyring's active key, `kek` its id). Records are written
 * uncompressed, so the embedded broker's compaction can remove them (it keeps lz4/snappy/zstd
 * batches whole). Forgetting a user is a tombstone there; after the next compaction pass no copy
 * of the wrapped DEK is left, and the master key alone opens nothing of the user's.
 *
 * Every process that encrypts or decrypts (the harness's producer, each stream processor) holds a
 * vault: it reads the key topic to its end at start and keeps tailing it, so a key created by one
 * process is found by the others and a tombstone evicts the key everywhere. A new DEK is published
 * (acknowledged by every in-sync replica) before any record encrypted under it is written.
 *
 * One DEK per user: should two processes create one for the same user at once, the key topic keeps
 * the later and records encrypted under the earlier become unreadable after compaction (the vault
 * switches to the key the topic holds as soon as it reads it). Records go to one partition per
 * user, so this only happens while a partition moves between processors.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { PiiFields } from '../../generators/schemas/pii.ts';
import type { PiiKeyring } from './keys.ts';
import type { PiiSealer, SubjectKey } from './cipher.ts';

export const KEYS_TOPIC = 'pipelab-pii-keys';

/** the key topic's configs: compacted soon after a tombstone, tombstones kept a minute */
const KEYS_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'min.cleanable.dirty.ratio': '0.01',
  'segment.ms': '60000',
  'delete.retention.ms': '60000',
};

/** a per-user data key's id starts so (master key ids are chosen by users: k1, …) */
export const DEK_PREFIX = 'dek-';

export interface KeyRecord {
  user: string;
  dek: string;
  /** the id of the master key that wrapped it */
  kek: string;
  /** base64url of IV (12) | wrapped key (32) | tag (16) */
  wrapped: string;
}

const aad = (user: string, dek: string) => Buffer.from(`pipelab-dek\0${user}\0${dek}`);

function wrapKey(master: { id: string; key: Buffer }, user: string, dek: string, key: Buffer): KeyRecord {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master.key, iv);
  c.setAAD(aad(user, dek));
  const ct = Buffer.concat([c.update(key), c.final()]);
  return { user, dek, kek: master.id, wrapped: Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url') };
}

function unwrapKey(keys: PiiKeyring, r: KeyRecord): Buffer | undefined {
  const kek = keys.byId.get(r.kek);
  if (!kek) return undefined;
  const raw = Buffer.from(r.wrapped, 'base64url');
  try {
    const d = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
    d.setAAD(aad(r.user, r.dek));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

/** creates the key topic (compacted) when missing; instances racing to create it is fine */
async function ensureKeysTopic(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(KEYS_TOPIC)) return;
    const configEntries = Object.entries(KEYS_TOPIC_CONFIG).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic: KEYS_TOPIC, numPartitions: 1, configEntries }] }).catch(async (e) => {
      if (!(await admin.listTopics()).includes(KEYS_TOPIC)) throw e;
    });
  } finally {
    await admin.disconnect();
  }
}

let vaultSeq = 0;

export class UserKeyVault implements PiiSealer {
  /** user → the DEK new data is encrypted with */
  private readonly active = new Map<string, SubjectKey>();
  /** `user\0dek` → key: every DEK read or made (a user's earlier one stays until its tombstone) */
  private readonly byId = new Map<string, Buffer>();
  private pending: KeyRecord[] = [];
  private flushing: Promise<void> | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** offset of the next key record to read, and the end seen at start */
  private next = 0;
  private kafka: Kafka | undefined;

  constructor(
    private readonly keys: PiiKeyring,
    readonly fields: PiiFields,
  ) {}

  /** the key topic read to its end, then tailed */
  async start(kafka: Kafka): Promise<void> {
    this.kafka = kafka;
    await ensureKeysTopic(kafka);
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
    await this.producer.connect();
    const c = kafka.consumer({ groupId: `pipelab-pii-vault-${process.pid}-${++vaultSeq}`, maxWaitTimeInMs: 50 });
    this.consumer = c;
    await c.connect();
    await c.subscribe({ topic: KEYS_TOPIC, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const user = message.key?.toString('utf8');
        if (user !== undefined) this.apply(user, message.value);
        this.next = Number(message.offset) + 1;
      },
    });
    await this.catchUp(30_000);
  }

  /** waits until every key record written before now has been read (false after `ms`) */
  async catchUp(ms: number): Promise<boolean> {
    const admin = (this.kafka as Kafka).admin();
    await admin.connect();
    let end: number;
    try {
      end = Number((await admin.fetchTopicOffsets(KEYS_TOPIC))[0]?.high ?? 0);
    } finally {
      await admin.disconnect();
    }
    const deadline = Date.now() + ms;
    // a compacted tail can end in a gap: the consumer's position passes it without a record
    while (this.next < end && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.next >= end;
  }

  private apply(user: string, value: Buffer | null): void {
    if (value === null) {
      // forgotten: every key of the user goes
      this.active.delete(user);
      for (const k of [...this.byId.keys()]) if (k.startsWith(`${user}\0`)) this.byId.delete(k);
      return;
    }
    let r: KeyRecord;
    try {
      r = JSON.parse(value.toString('utf8')) as KeyRecord;
    } catch {
      return;
    }
    const key = unwrapKey(this.keys, r);
    if (!key || r.user !== user) return;
    this.byId.set(`${user}\0${r.dek}`, key);
    // the topic's latest key for the user is the one compaction keeps: encrypt with it from now on
    this.active.set(user, { id: r.dek, key });
  }

  /** the user's DEK (made and queued for publishing when the user has none); '' → the master key */
  keyFor(user: string): SubjectKey {
    if (user === '') return this.keys.active;
    let k = this.active.get(user);
    if (k) return k;
    k = { id: DEK_PREFIX + randomBytes(6).toString('hex'), key: randomBytes(32) };
    this.active.set(user, k);
    this.byId.set(`${user}\0${k.id}`, k.key);
    this.pending.push(wrapKey(this.keys.active, user, k.id, k.key));
    return k;
  }

  /** the key `id` of `user` (a DEK, or a master key), or undefined: unknown or destroyed */
  keyById(user: string, id: string): Buffer | undefined {
    return id.startsWith(DEK_PREFIX) ? this.byId.get(`${user}\0${id}`) : this.keys.byId.get(id);
  }

  /** like keyById, reading the key topic up to now first when the key is not known yet */
  async findKey(user: string, id: string, ms = 5000): Promise<Buffer | undefined> {
    const k = this.keyById(user, id);
    if (k || !this.kafka) return k;
    await this.catchUp(ms);
    return this.keyById(user, id);
  }

  /** keys wait to be published, or are being published */
  get busy(): boolean {
    return this.pending.length > 0 || this.flushing !== undefined;
  }

  /** publishes the DEKs made since the last flush; resolves once the key topic acknowledged them */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.flushing = (this.producer as Producer)
      .send({
        topic: KEYS_TOPIC,
        acks: -1,
        messages: batch.map((r) => ({ key: r.user, value: JSON.stringify(r) })),
      })
      .then(
        () => undefined,
        (e: unknown) => {
          // not published: the keys are not used (they would be lost), and the caller fails
          for (const r of batch) if (this.active.get(r.user)?.id === r.dek) this.active.delete(r.user);
          throw e;
        },
      )
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async stop(): Promise<void> {
    await this.flush().catch(() => {});
    await this.consumer?.disconnect().catch(() => {});
    await this.producer?.disconnect().catch(() => {});
    this.consumer = undefined;
    this.producer = undefined;
  }
}
