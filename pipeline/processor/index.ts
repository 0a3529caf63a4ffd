/**
 * The stream processor of the reference pipeline: a kafkajs consumer group on `transactions`.
 * Per record: validate (invalid → dead-letter with the reason in headers) → feature lookup and
 * update → inference (the whole chunk in one ModelClient call, so the model server's
 * micro-batching is used) → decision to `fraud-decisions`. Per user: tumbling event-time windows
 * (windows.ts), aggregates to `processed-events` when a window closes; events later than the
 * allowed lateness go to dead-letter with reason 'late' and are counted.
 *
 * Exactly-once (`guarantee: 'exactly-once'`, exactly-once.ts): a chunk's results, its offset and its
 * partition's changed windows are written in one Kafka transaction. Window and dedup state is checkpointed to
 * a compacted changelog and restored before a partition's first batch after a start or a rebalance (state/).
 *
 * At-least-once (default): a chunk's offsets are resolved only after the producer send that carries its
 * results is acknowledged (acks -1), and kafkajs commits only resolved offsets. A crash between
 * send and commit redelivers the chunk; the sink is idempotent by event id within a partition's
 * state (ids it wrote are skipped and counted as duplicates; an id written by an earlier owner
 * after the checkpoint this one restored is processed again, so its window counts it). A rebalance
 * drops the windows, dedup ids and features of the partitions it took away (their next owner has them).
 * Backpressure: when records in flight pass `maxInFlight` the partition that pushed it over is paused
 * (consumer.pause); every paused partition resumes once in-flight work drains below half. The caller hands
 * over brokers, feature store and model client; metrics go to a structurally typed registry.
 */
import kafkajs from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer, TopicMessages } from 'kafkajs';
import { FeatureUpdater } from '../features/updater.ts';
import { kafkajsSecurity } from '../kafka-security.ts';
import { PiiPolicy } from '../pii/audit.ts';
import type { Prediction } from '../model-server/server.ts';
import { compressionType, TOPICS } from '../topics.ts';
import { EMPTY_FEATURES, type UserFeatures } from '../types.ts';
import { behaviourChunk } from './behaviour.ts';
import { CompleteSender } from './complete-send.ts';
import { PlatformaticSender } from './platformatic-send.ts';
import { keepAlive } from './keep-alive.ts';
import { groupLag } from './lag.ts';
import { CrashableSockets } from './sockets.ts';
import { epochNow, H, header, numHeader } from './headers.ts';
import { aggregateMessage, chunkHeaders, decisionMessage, deadLetterMessage, sinkBatches } from './messages.ts';
import { type ChunkTimings, ModelTally, type Valid } from './messages.ts';
import { PROCESSOR_DEFAULTS, type ProcessorOptions, type ProcessorStats } from './options.ts';
import type { ResolvedProcessorOptions } from './options.ts';
import { TransactionalSink } from './exactly-once.ts';
import { validateTransaction } from './validate.ts';
import { ProcessorState, type PartitionState } from './state/store.ts';
import { closeWindows } from './state/end.ts';
import { withDefaults } from '../../results/defaults.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

let instanceSeq = 0;
type Scored = { preds: Prediction[]; featuresMs: number; inferenceMs: number };

export class StreamProcessor {
  readonly id: string;
  readonly groupId: string;
  private readonly o: ResolvedProcessorOptions;
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly updater: FeatureUpdater;
  private readonly sender = new CompleteSender(); // re-sends what kafkajs left out when a leader moved
  private readonly fast?: PlatformaticSender; // results through @platformatic/kafka unless producerClient 'kafkajs'
  private readonly state: ProcessorState;
  private readonly paused = new Map<string, () => void>();
  private readonly t0 = performance.now();
  private lagTimer?: NodeJS.Timeout;
  private killed = false;
  private running = false;
  private readonly sockets: CrashableSockets;
  private readonly s: ProcessorStats;
  /** the transactional sink when the guarantee is exactly-once */
  private readonly eos?: TransactionalSink;
  private readonly privacy: PiiPolicy;

  constructor(opts: ProcessorOptions) {
    this.o = withDefaults(PROCESSOR_DEFAULTS, opts);
    this.id = opts.id ?? `processor-${process.pid}-${++instanceSeq}`;
    this.groupId = this.o.groupId;
    this.sockets = new CrashableSockets(this.id);
    this.kafka = new KafkaClient({
      clientId: this.id,
      brokers: opts.brokers,
      logLevel: opts.logLevel ?? logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100 },
      ...kafkajsSecurity(opts.security),
      // every connection goes through here so kill() can cut them all at once, as a dying process would
      socketFactory: this.sockets.factory,
    });
    this.updater = new FeatureUpdater(opts.store);
    if (opts.producerClient !== 'kafkajs') this.fast = new PlatformaticSender(this.o.compression);
    if (this.o.guarantee === 'exactly-once')
      this.eos = new TransactionalSink(this.kafka, this.groupId, this.o.compression);
    this.privacy = new PiiPolicy(opts, this.id);
    this.state = new ProcessorState(this.kafka, { ...this.o, groupId: this.groupId });
    this.s = {
      id: this.id,
      records: 0,
      decisions: 0,
      deadLetters: 0,
      late: 0,
      ...(opts.userEvents ? { userEvents: 0 } : {}),
      duplicates: 0,
      windowsClosed: 0,
      openWindows: 0,
      pauses: 0,
      inFlight: 0,
      lag: 0,
      batches: 0,
      modelSources: {},
      modelVersions: {},
    };
  }

  private now(): number {
    return this.o.now ? this.o.now() : performance.now() - this.t0;
  }

  stats(): ProcessorStats {
    return {
      ...this.s,
      openWindows: this.state.openWindows(),
      featureUsers: this.updater.computer.userCount,
      state: { ...this.state.counts },
      modelSources: { ...this.s.modelSources },
      modelVersions: { ...this.s.modelVersions },
    };
  }

  /** join the group and start consuming `transactions` (resolves once the consumer runs) */
  async start(): Promise<void> {
    const o = this.o;
    const createPartitioner = this.sender.partitioner;
    if (!this.fast) this.producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner });
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      rebalanceTimeout: o.rebalanceTimeoutMs,
      maxWaitTimeInMs: o.fetchMaxWaitMs,
      minBytes: o.fetchMinBytes,
      maxBytesPerPartition: o.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      // after kill() the consumer must not come back: its connections fail and it stays down
      retry: { retries: 8, initialRetryTime: 100, restartOnFailure: async () => !this.killed },
    });
    const client = { clientId: this.id, brokers: o.brokers, security: o.security };
    const out = this.fast ? this.fast.connect(client, [TOPICS.transactions]) : this.producer?.connect();
    await Promise.all([out, this.privacy.start(this.kafka)]);
    await this.consumer.connect();
    const topics = o.userEvents ? [TOPICS.transactions, TOPICS.userEvents] : [TOPICS.transactions];
    await this.state.start(await this.adminClient(), topics);
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) =>
      this.updater.computer.retainParts(this.state.assigned(e.payload.memberAssignment, e.payload.memberId)),
    );
    await this.consumer.subscribe({ topics, fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      eachBatchAutoResolve: false,
      // exactly-once commits offsets inside each chunk's transaction, never on its own
      autoCommit: !this.eos,
      autoCommitInterval: this.eos ? null : 500,
      partitionsConsumedConcurrently: o.concurrency,
      eachBatch: (p) => this.onBatch(p),
    });
    if (o.lagEveryMs > 0) this.lagTimer = setInterval(() => void this.sampleLag(), o.lagEveryMs).unref();
  }

  /** Graceful stop: finish the batch in progress, close every open window (end of input), commit, leave the group */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.lagTimer);
    const owned = this.state.owned();
    await this.consumer?.stop();
    const out = { eos: this.eos, send: (m: TopicMessages[]) => this.send(m), owned };
    this.s.windowsClosed += await closeWindows(this.state, this.id, out);
    await this.consumer?.disconnect();
    await Promise.all([this.producer?.disconnect(), this.fast?.close()]);
    await this.eos?.close();
    await Promise.all([this.admin?.disconnect().catch(() => {}), this.privacy.stop()]);
  }

  /** A crash: every connection cut at once (sockets.ts), nothing more committed, no LeaveGroup. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.killed = true;
    this.running = false;
    clearInterval(this.lagTimer);
    this.sockets.cut();
    // the clients wind down in the background; every request, LeaveGroup included, fails at the socket
    const clients = [this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()];
    void Promise.allSettled([...clients, this.fast?.close(true), this.eos?.close(), this.privacy.stop()]);
  }

  private send(topicMessages: TopicMessages[]) {
    if (this.fast) return this.fast.send(topicMessages);
    const compression = compressionType(this.o.compression);
    return this.sender.send(this.producer as Producer, { acks: -1, compression, topicMessages });
  }

  private lagBusy = false;

  private async sampleLag(): Promise<void> {
    // one sample at a time: an admin round trip can take longer than the interval
    if (this.lagBusy || !this.running) return;
    this.lagBusy = true;
    try {
      const lag = this.o.lag ? await this.o.lag() : await groupLag(await this.adminClient(), this.groupId);
      this.s.lag = lag;
      this.o.metrics?.gauge('processor_lag').set(lag, this.now());
    } catch {
      // lag is best effort (a rebalance or a stopping broker); the next sample retries
    } finally {
      this.lagBusy = false;
    }
  }

  private admin?: Admin;
  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const n = batch.messages.length;
    if (n === 0) return;
    const { topic, partition } = batch;
    // the partition's state first (restored after a start or a rebalance); undefined: sought back to its checkpoint
    const fence = this.eos ? () => (this.eos as TransactionalSink).fresh(topic, partition, []) : undefined;
    const seek = (offset: string) => this.consumer?.seek({ topic, partition, offset });
    const st = await this.state.prepare(topic, partition, batch.messages[0]!.offset, seek, fence);
    if (!st || this.killed) return;
    this.s.batches++;
    this.s.inFlight += n;
    const key = `${topic}/${partition}`;
    if (this.s.inFlight > this.o.maxInFlight && !this.paused.has(key)) {
      this.paused.set(key, p.pause());
      this.s.pauses++;
      this.o.metrics?.counter('processor_pauses').add(1, this.now());
    }
    this.o.metrics?.gauge('processor_in_flight').set(this.s.inFlight, this.now());
    let left = n;
    const stopBeats = keepAlive(p, this.o, () => this.killed);
    try {
      for (let i = 0; i < n; i += this.o.chunkSize) {
        if (!p.isRunning() || p.isStale() || this.killed) break;
        const chunk = batch.messages.slice(i, i + this.o.chunkSize);
        if (topic === TOPICS.userEvents) await this.processUserEvents(st, partition, chunk);
        else await this.processChunk(st, topic, partition, chunk);
        // a kill between the sink ack and here leaves the chunk unresolved: it is redelivered
        if (this.killed) break;
        p.resolveOffset(chunk[chunk.length - 1]!.offset);
        this.s.inFlight -= chunk.length;
        left -= chunk.length;
        await p.heartbeat();
      }
      if (!this.killed && !this.eos) await p.commitOffsetsIfNecessary();
    } finally {
      stopBeats();
      this.s.inFlight -= left;
      if (this.s.inFlight <= this.o.maxInFlight / 2 && this.paused.size) {
        for (const resume of this.paused.values()) resume();
        this.paused.clear();
      }
    }
  }

  private async processChunk(st: PartitionState, topic: string, partition: number, chunk: KafkaMessage[]) {
    const nextOffset = Number(chunk[chunk.length - 1]!.offset) + 1;
    const messages = this.eos ? await this.eos.fresh(topic, partition, chunk) : chunk;
    await this.privacy.open(messages);
    const received = epochNow();
    const tNow = this.now();
    const m = this.o.metrics;
    const { valid, dead, dups } = this.sortChunk(st, topic, partition, messages, received);
    this.s.records += messages.length;
    if (dups) {
      this.s.duplicates += dups;
      m?.counter('processor_duplicates').add(dups, tNow);
    }
    const sent = numHeader(messages[0]?.headers, H.sentMs);
    if (sent !== undefined) m?.trend('processor_stage_queue').add(Math.max(0, received - sent), tNow);
    const { preds, featuresMs, inferenceMs } = await this.score(valid, `${topic}/${partition}`);
    const timings = { featuresMs, inferenceMs, sinkMs: epochNow(), records: valid.length };
    const w = st.windows;
    const { decisions, late } = this.decide(w, { topic, partition, received }, valid, preds, timings, dead);
    const closed = w.closeReady();

    const topicMessages: TopicMessages[] = [];
    if (decisions.length) topicMessages.push({ topic: TOPICS.fraudDecisions, messages: decisions });
    if (dead.length) topicMessages.push({ topic: TOPICS.deadLetter, messages: dead });
    if (closed.length)
      topicMessages.push({ topic: TOPICS.processedEvents, messages: closed.map((a) => aggregateMessage(this.id, a)) });
    this.privacy.audit(topicMessages, valid);
    const ts = performance.now();
    await this.privacy.flush();
    await this.sink(st, topic, partition, topicMessages, nextOffset);
    const sinkAck = performance.now() - ts;
    // written and acknowledged (committed, under exactly-once): from now on a redelivery of these ids is a duplicate
    const ids = valid.map((x) => x.id);
    for (const d of dead) ids.push(header(d.headers as never, H.eventId) as string);
    this.state.written(st, ids);

    this.s.decisions += decisions.length;
    this.s.deadLetters += dead.length;
    this.s.late += late;
    this.s.windowsClosed += closed.length;
    if (!m) return;
    const t = this.now();
    m.counter('processor_records').add(messages.length, t);
    if (decisions.length) m.counter('processor_decisions').add(decisions.length, t);
    if (dead.length) m.counter('processor_dead_letters').add(dead.length, t);
    if (late) m.counter('processor_late_events').add(late, t);
    if (closed.length) m.counter('processor_windows_closed').add(closed.length, t);
    if (valid.length) {
      m.trend('processor_stage_features').add(featuresMs, t);
      m.trend('processor_stage_inference').add(inferenceMs, t);
    }
    if (topicMessages.length) m.trend('processor_stage_sink').add(sinkAck, t);
  }

  /**
   * a chunk's results (and a due checkpoint of its partition's state) out: in one transaction with the
   * offset under exactly-once, else sent with acks -1. A failed sink drops the partition's state: the
   * chunk comes again, to the state restored from the changelog
   */
  private async sink(st: PartitionState, topic: string, partition: number, out: TopicMessages[], next: number) {
    const c = this.state.due(st, next) ? this.state.checkpoint(topic, partition, st, next) : undefined;
    if (c) out.push(c);
    try {
      if (this.eos) await this.eos.commit(topic, partition, out, next);
      else for (const part of sinkBatches(out)) await this.send(part);
    } catch (e) {
      this.state.drop(topic, partition);
      throw e;
    }
  }

  /** user events into their partition's windows (behaviour.ts); late and invalid ones dead-lettered */
  private async processUserEvents(st: PartitionState, partition: number, messages: KafkaMessage[]) {
    const topic = TOPICS.userEvents;
    const fresh = this.eos ? await this.eos.fresh(topic, partition, messages) : messages;
    const at = { topic, partition, received: epochNow() };
    const c = behaviourChunk(this.id, st.windows, at, fresh, (offset, id) => this.state.isDuplicate(st, offset, id));
    const topicMessages: TopicMessages[] = [];
    if (c.dead.length) topicMessages.push({ topic: TOPICS.deadLetter, messages: c.dead });
    if (c.closed.length) topicMessages.push({ topic: TOPICS.processedEvents, messages: c.closed });
    await this.sink(st, topic, partition, topicMessages, Number(messages[messages.length - 1]!.offset) + 1);
    this.state.written(st, c.ids);
    const s = this.s;
    s.records += messages.length;
    s.userEvents = (s.userEvents ?? 0) + c.accepted;
    s.deadLetters += c.dead.length;
    s.late += c.late;
    s.duplicates += c.dups;
    s.windowsClosed += c.closed.length;
    const m = this.o.metrics;
    if (!m) return;
    const t = this.now();
    m.counter('processor_records').add(messages.length, t);
    if (c.dead.length) m.counter('processor_dead_letters').add(c.dead.length, t);
    if (c.late) m.counter('processor_late_events').add(c.late, t);
    if (c.closed.length) m.counter('processor_windows_closed').add(c.closed.length, t);
  }

  /** valid transactions, dead letters for invalid ones, and how many were already written (skipped) */
  private sortChunk(st: PartitionState, topic: string, partition: number, messages: KafkaMessage[], received: number) {
    const dead: Message[] = [];
    const valid: Valid[] = [];
    let dups = 0;
    const c = this.privacy.cipher;
    for (const msg of messages) {
      const hid = header(msg.headers, H.eventId);
      const v = this.privacy.unreadable(msg) ?? validateTransaction(msg.value);
      const id = hid ?? (v.ok ? v.tx.id : `${topic}/${partition}/${msg.offset}`);
      if (this.state.isDuplicate(st, msg.offset, id)) {
        dups++;
        continue;
      }
      if (!v.ok) dead.push(deadLetterMessage(this.id, { topic, partition, msg, id, received }, v.reason, v.detail, c));
      else valid.push({ tx: v.tx, msg, id });
    }
    return { valid, dead, dups };
  }

  /** features (look up the stored state, then fold the chunk in), then one inference call for the chunk */
  private async score(valid: Valid[], part: string): Promise<Scored> {
    const tf = performance.now();
    let feats: UserFeatures[] = [];
    if (valid.length) {
      await this.o.store.getMany(valid.map((x) => x.tx.userId));
      const txs = valid.map((x) => x.tx);
      feats = await this.updater.ingest(txs, part);
    }
    const featuresMs = performance.now() - tf;
    // the client splits the chunk and the server micro-batches it
    const ti = performance.now();
    const preds = valid.length
      ? await this.o.model.predict(valid.map((x, i) => ({ transaction: x.tx, features: feats[i] ?? EMPTY_FEATURES })))
      : [];
    return { preds, featuresMs, inferenceMs: performance.now() - ti };
  }

  /** windows by event time; beyond the allowed lateness → dead-letter 'late', else a decision */
  private decide(
    w: PartitionState['windows'],
    at: { topic: string; partition: number; received: number },
    valid: Valid[],
    preds: Prediction[],
    timings: ChunkTimings,
    dead: Message[],
  ): { decisions: Message[]; late: number } {
    const decisions: Message[] = [];
    let late = 0;
    const shared = chunkHeaders(this.id, at.received, timings, at.partition);
    const tally = new ModelTally(this.s);
    valid.forEach((x, i) => {
      const pred = preds[i] as Prediction;
      if (w.add(x.tx.userId, x.tx.eventTime, x.tx.amount, pred.fraud) === 'late') {
        late++;
        const detail =
          `event time ${x.tx.eventTime} is before the watermark ${w.watermark} (window ` +
          `${w.windowStart(x.tx.eventTime)} closed)`;
        dead.push(deadLetterMessage(this.id, { ...at, msg: x.msg, id: x.id }, 'late', detail, this.privacy.cipher));
        return;
      }
      tally.add(pred);
      decisions.push(decisionMessage(x, pred, shared, this.privacy.cipher));
    });
    tally.end();
    return { decisions, late };
  }
}

export {
  PROCESSOR_DEFAULTS,
  type ProcessorMetrics,
  type ProcessorOptions,
  type ProcessorStats,
  type Scorer,
} from './options.ts';
export { TumblingWindows, WINDOW_DEFAULTS, type WindowAggregate, type WindowOptions } from './windows.ts';
export { RecentIds } from './dedup.ts';
export { H as PIPELINE_HEADERS, header } from './headers.ts';
