/**
 * The producing clients of the kafka and pipeline targets, behind one buffer interface: iterations
 * hand their record over and learn whether the broker acknowledged it (acks=all), records gathered
 * into one send when 500 wait or `lingerMs` after the first, as a producer's linger.ms.
 *
 * - 'platformatic' (default): @platformatic/kafka, chosen by measurement — bench/kafka-target.ts
 *   drives both clients bare against one broker: 262k records/s against kafkajs's 141k on this
 *   machine, so the target spends its time on events, not on encoding. It declares Node >= 22; on
 *   Node 20 it lacks only Promise.withResolvers (ES2024), provided by pipeline/platformatic.ts.
 *   pipelab writes the record batches itself and sends them over the client's connections
 *   (EncodedBuffer); an idempotent producer keeps the client's encoding (PlatformaticBuffer).
 * - 'kafkajs': the client the stream processor uses, kept for compatibility (tested on both).
 */
import type { Message, Producer as KafkajsProducer, ProducerConfig } from 'kafkajs';
import { CompleteSender } from '../../pipeline/processor/complete-send.ts';
import type { KafkaClientSecurity } from '../../pipeline/kafka-security.ts';
import { PartitionBatches } from '../../pipeline/batch-builder.ts';
import {
  ByteSlab,
  encodedProduce,
  headerMap,
  headerName,
  KeyCache,
  type PlatformaticProducer,
  type PlatformaticRecord,
  platformaticProducer,
} from '../../pipeline/platformatic.ts';
import type { EncodedProduce } from '../../pipeline/platformatic-produce.ts';
import { H } from '../../pipeline/processor/headers.ts';
import { type Compression, compressionType } from '../../pipeline/topics.ts';
import type { IterationOutcome } from './api.ts';

export { shimWithResolvers } from '../../pipeline/platformatic.ts';

interface ProducedRecord {
  key: string;
  value: Buffer | string;
  /**
   * pipelab's two headers, first on the record: `pipelab-event-id` (this id) and `pipelab-sent-ms` (sentMs,
   * epoch ms, as toFixed(3) writes it); each client gets them in its cheapest form
   */
  eventId?: string;
  sentMs?: number;
  /** headers after pipelab's (with eventId) or alone */
  headers?: Record<string, string> | undefined;
}

/** a record as kafkajs takes it: pipelab's headers as text, first */
function kafkajsMessage(r: ProducedRecord): Message {
  if (r.eventId === undefined) return r as Message;
  const headers = { [H.eventId]: r.eventId, [H.sentMs]: (r.sentMs ?? 0).toFixed(3), ...r.headers };
  return { key: r.key, value: r.value, headers };
}

const EVENT_ID = headerName(H.eventId);
const SENT_MS = headerName(H.sentMs);

export interface RecordProducer {
  /**
   * resolves true once the broker acknowledged the record, false if the send failed; the records
   * of one batch share one promise (see BatchAcks)
   */
  send(r: ProducedRecord): Promise<boolean>;
  flush(): void;
  close(): Promise<void>;
}

const MAX_BATCH = 500;

/** one batch being gathered: its records' promise, settled when the batch's send is */
class Gathering<T> {
  readonly records: T[] = [];
  resolve!: (ok: boolean) => void;
  readonly done = new Promise<boolean>((r) => {
    this.resolve = r;
  });
}

/**
 * kafkajs: records batched into one acks=all send, through CompleteSender (a send spanning several
 * brokers can otherwise lose a partition whose leader moved: acknowledged, never written)
 */
class KafkajsBuffer {
  private batch = new Gathering<Message>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sends: Sends;
  readonly sender = new CompleteSender();
  producer: KafkajsProducer | undefined;

  constructor(
    private readonly compression: number,
    private readonly lingerMs: number,
    private readonly topic: string,
    private readonly idempotent: boolean,
  ) {
    this.sends = new Sends(idempotent);
  }

  /** resolves true once the broker acknowledged the record, false if the send failed */
  send(msg: Message): Promise<boolean> {
    const b = this.batch;
    b.records.push(msg);
    if (b.records.length >= MAX_BATCH) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
    return b.done;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.batch.records.length || !this.producer) return;
    const b = this.batch;
    this.batch = new Gathering();
    const producer = this.producer;
    const topicMessages = [{ topic: this.topic, messages: b.records }];
    const batch = { acks: -1, compression: this.compression, topicMessages };
    // idempotent: one send per partition, or kafkajs's retry can write a partition twice (complete-send.ts); the
    // partition count is the one kafkajs gave the partitioner for an earlier batch (the first goes out whole)
    this.sends.run(b, () =>
      this.idempotent ? this.sender.sendPerPartition(producer, batch) : this.sender.send(producer, batch),
    );
  }
}

/**
 * How a buffer's batches go out: each as soon as it is cut, or (serial) each after the one before
 * settled. An idempotent producer needs serial: its clients number a batch's records when it is
 * handed over, and when a partition's leader dies every batch waiting on it is retried on its own,
 * in any order; the broker knows only the last 5 batches of a producer per partition, so the retry
 * of an older one that was written before the leader died reads as out of order, and the client
 * writes it again under a new producer id (@platformatic/kafka's recovery): a duplicate
 */
class Sends {
  constructor(private readonly serial: boolean) {}
  private tail: Promise<unknown> = Promise.resolve();

  run(b: Gathering<unknown>, send: () => Promise<unknown>): void {
    const go = () =>
      send().then(
        () => b.resolve(true),
        () => b.resolve(false),
      );
    if (this.serial) this.tail = this.tail.then(go);
    else void go();
  }
}

class PlatformaticBuffer implements RecordProducer {
  private batch = new Gathering<PlatformaticRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sends: Sends;
  private readonly keys = new KeyCache();
  /** pipelab's header values as bytes (ByteSlab), not a Buffer.from each in the client's serializer */
  private readonly bytes = new ByteSlab();

  constructor(
    private readonly producer: PlatformaticProducer,
    private readonly topic: string,
    private readonly lingerMs: number,
    private readonly compression: Compression,
    serial: boolean,
  ) {
    this.sends = new Sends(serial);
  }

  send(r: ProducedRecord): Promise<boolean> {
    // a Map is used as it is (an object would be copied into one, and each name encoded, per record)
    const headers = r.eventId !== undefined ? this.eventHeaders(r) : r.headers ? headerMap(r.headers) : undefined;
    const b = this.batch;
    // the key's bytes and Kafka's partition hash, made once per key (the client takes the partition modulo its count)
    const key = this.keys.get(r.key);
    b.records.push({ topic: this.topic, key: key.bytes, value: r.value, headers, partition: key.hash });
    if (b.records.length >= MAX_BATCH) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
    return b.done;
  }

  /** pipelab's headers as bytes, then the record's own */
  private eventHeaders(r: ProducedRecord): Map<Buffer, string | Buffer> {
    const m = new Map<Buffer, string | Buffer>();
    m.set(EVENT_ID, this.bytes.text(r.eventId as string));
    m.set(SENT_MS, this.bytes.text((r.sentMs ?? 0).toFixed(3)));
    if (r.headers) for (const k in r.headers) m.set(headerName(k), r.headers[k] as string);
    return m;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.batch.records.length) return;
    const b = this.batch;
    this.batch = new Gathering();
    const send = {
      messages: b.records,
      acks: -1,
      ...(this.compression === 'none' ? {} : { compression: this.compression }),
    };
    this.sends.run(b, () => this.producer.send(send));
  }

  async close(): Promise<void> {
    this.flush();
    await this.producer.close().catch(() => {});
  }
}

/**
 * @platformatic/kafka with pipelab's own record encoding: each record written into its partition's batch
 * as it is handed over (BatchBuilder: no object, Map or Buffer per record), the batches sent as one
 * Produce request per partition leader over the client's connections (EncodedProduce) when 500 records
 * wait or `lingerMs` after the first. Keys go to murmur2 & 0x7fffffff modulo the partition count the
 * topic had when the producer opened, as Kafka's partitioner.
 */
class EncodedBuffer implements RecordProducer {
  private batch = new Gathering<never>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly sends = new Sends(false);
  private readonly keys = new KeyCache();
  private readonly batches: PartitionBatches;

  constructor(
    private readonly out: EncodedProduce,
    partitions: number,
    private readonly lingerMs: number,
    compression: Compression,
  ) {
    const { codec, compress } = out.compression(compression);
    this.batches = new PartitionBatches(partitions, codec, compress);
  }

  send(r: ProducedRecord): Promise<boolean> {
    const key = this.keys.get(r.key);
    const b = this.batches.of(key.hash);
    const own = r.headers;
    let headers = r.eventId === undefined ? 0 : 2;
    if (own) for (const _ in own) headers++;
    // the record's size as a guess for its length varint (BatchBuilder moves it when wrong)
    b.open(key.bytes.length + r.value.length + (headers ? 40 : 4), key.bytes, headers);
    b.value(r.value);
    if (r.eventId !== undefined) {
      b.header(EVENT_ID, r.eventId);
      b.header(SENT_MS, (r.sentMs ?? 0).toFixed(3));
    }
    if (own) for (const k in own) b.header(headerName(k), own[k] as string);
    b.close();
    const done = this.batch.done;
    if (++this.count >= MAX_BATCH) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
    return done;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.count) return;
    const g = this.batch;
    this.batch = new Gathering();
    this.count = 0;
    // every record stamped with the time its batch is cut, as the client stamps records without a timestamp
    const batches = this.batches.finish(Date.now());
    this.sends.run(g, () => this.out.send(batches));
  }

  async close(): Promise<void> {
    this.flush();
    await this.out.close();
  }
}

const OK: IterationOutcome = Object.freeze({ ok: true });
const NOT_OK: IterationOutcome = Object.freeze({ ok: false });

/**
 * A target's iterations over batched sends: the records of one batch share their outcome promise,
 * and `settle(ids, sentAt, ok)` runs once per batch over what each record was tracked with (its
 * event id, its intended send time) — no promise and no closure per record. trackCallback is the
 * same for a target's iterateCallback: the batch's settlement calls each iteration's `done` itself,
 * so an iteration costs no promise reaction either.
 */
export class BatchAcks {
  private last: Promise<boolean> | undefined;
  private ids: string[] = [];
  private at: number[] = [];
  private dones: Array<(o: IterationOutcome) => void> = [];
  private outcome: Promise<IterationOutcome> = Promise.resolve(NOT_OK);

  constructor(private readonly settle: (ids: string[], at: number[], ok: boolean) => void) {}

  track(sent: Promise<boolean>, id: string, at = 0): Promise<IterationOutcome> {
    if (sent !== this.last) this.open(sent);
    this.ids.push(id);
    this.at.push(at);
    return this.outcome;
  }

  /** as track, with `done` called once with the outcome when the batch settles (after `settle`) */
  trackCallback(sent: Promise<boolean>, id: string, at: number, done: (o: IterationOutcome) => void): void {
    if (sent !== this.last) this.open(sent);
    this.ids.push(id);
    this.at.push(at);
    this.dones.push(done);
  }

  private open(sent: Promise<boolean>): void {
    const ids: string[] = [];
    const ats: number[] = [];
    const dones: Array<(o: IterationOutcome) => void> = [];
    this.last = sent;
    this.ids = ids;
    this.at = ats;
    this.dones = dones;
    this.outcome = sent.then((ok) => {
      this.settle(ids, ats, ok);
      const o = ok ? OK : NOT_OK;
      for (const done of dones) done(o);
      return o;
    });
  }
}

/** a producing client for `topic`, connected (metadata fetched) so a bad address fails here */
export async function openProducer(o: {
  client: 'platformatic' | 'kafkajs';
  brokers: string[];
  /** TLS/SASL for the platformatic client (the kafkajs factory carries its own) */
  security?: KafkaClientSecurity;
  topic: string;
  lingerMs: number;
  /** record batch compression (default none) */
  compression?: Compression;
  /**
   * Kafka's idempotent producer: a batch retried after a leader change is written once; batches go
   * out one at a time (Sends)
   */
  idempotent?: boolean;
  /** the kafkajs client's producer, made with the options given (idempotence, the partitioner) */
  kafkajs: (given: Pick<ProducerConfig, 'idempotent' | 'maxInFlightRequests' | 'createPartitioner'>) => KafkajsProducer;
}): Promise<RecordProducer> {
  const compression = o.compression ?? 'none';
  if (o.client === 'kafkajs') {
    const buf = new KafkajsBuffer(compressionType(compression), o.lingerMs, o.topic, !!o.idempotent);
    const idempotence = o.idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {};
    const producer = o.kafkajs({ ...idempotence, createPartitioner: buf.sender.partitioner });
    await producer.connect();
    buf.producer = producer;
    return {
      send: (r) => buf.send(kafkajsMessage(r)),
      flush: () => buf.flush(),
      close: async () => {
        buf.flush();
        await producer.disconnect().catch(() => {});
      },
    };
  }
  const producer = await platformaticProducer({
    clientId: 'pipelab-kafka-target',
    brokers: o.brokers,
    security: o.security,
    idempotent: o.idempotent,
  });
  await producer.metadata({ topics: [o.topic] });
  // batches encoded by pipelab, sent over the client's connections (EncodedBuffer); idempotent sends keep
  // the client's own encoding, which numbers each partition's records
  const encoded = o.idempotent ? undefined : await encodedProduce(producer, o.topic);
  if (encoded) return new EncodedBuffer(encoded, await encoded.partitions(), o.lingerMs, compression);
  return new PlatformaticBuffer(producer, o.topic, o.lingerMs, compression, !!o.idempotent);
}
