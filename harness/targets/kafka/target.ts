/**
 * The kafka target's life cycle: setup resolves Kafka (--kafka, PIPELAB_KAFKA, container,
 * embedded), creates missing topics (and says so), connects the producer, the results consumer
 * and the lag watcher; each iteration produces one generated event; teardown waits for the
 * results (and the group's lag) up to drainTimeout and closes the books.
 */
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { PipelabError } from '../../../errors.ts';
import { H, epochNow } from '../../../pipeline/processor/headers.ts';
import { compressionType } from '../../../pipeline/topics.ts';
import { parseDuration } from '../../../results/duration.ts';
import type { ServiceInfo } from '../../../results/types.ts';
import { resolveServices, servicesRequestFrom, type ResolvedServices } from '../../services/index.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from '../api.ts';
import { ProduceBuffer } from '../pipeline/produce.ts';
import { eventSource, type Produced } from './events.ts';
import { LagWatcher, type LagReport } from './lag.ts';
import { KafkaLedger, type KafkaAccounting } from './ledger.ts';
import { resultsHandler } from './results.ts';
import { KAFKA_TARGET_DEFAULTS, type Config } from './schema.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/** the root of a kafkajs error chain (ECONNREFUSED, ...), not its retry wrapper */
function cause(e: Error): string {
  let c: Error = e;
  while ((c as { cause?: Error }).cause) c = (c as { cause?: Error }).cause as Error;
  return c.message;
}

export class KafkaTarget implements Target {
  readonly kind = 'kafka';
  private readonly drainTimeoutMs: number;
  private readonly ledger: KafkaLedger;
  private readonly out: ProduceBuffer;
  private ctx: TargetContext | undefined;
  private next: ((index: number, sent: number) => Produced) | undefined;
  private resolved: ResolvedServices | undefined;
  private serviceInfo: Record<string, ServiceInfo> = {};
  private results: Consumer | undefined;
  private admin: Admin | undefined;
  private lag: LagWatcher | undefined;
  private lagReport: LagReport | undefined;
  private accounting: KafkaAccounting | undefined;
  private readonly warnings: string[] = [];
  private topicsCreated: string[] = [];
  private index = 0;
  private lastNow = 0;
  private readonly headers: Record<string, string>;

  constructor(private readonly c: Config) {
    this.drainTimeoutMs = c.drainTimeout ? parseDuration(c.drainTimeout) : KAFKA_TARGET_DEFAULTS.drainTimeoutMs;
    this.ledger = new KafkaLedger((c.results ?? []).map((r) => r.topic));
    this.out = new ProduceBuffer(
      compressionType('none'),
      c.produce.lingerMs ?? KAFKA_TARGET_DEFAULTS.lingerMs,
      c.produce.topic,
    );
    this.headers = { ...(c.produce.headers ?? {}) };
  }

  async setup(tc: TargetContext): Promise<void> {
    this.ctx = tc;
    // the produce block is checked (formats, schemas) before anything connects
    this.next = eventSource(this.c.produce, tc.rng.fork('target:kafka'));
    registerKafkajsCodecs();
    const req = servicesRequestFrom(tc.services);
    const partitions = this.c.produce.partitions ?? KAFKA_TARGET_DEFAULTS.partitions;
    this.resolved = await resolveServices({
      kafka: { ...(req.kafka === true ? {} : req.kafka), embedded: { defaultPartitions: partitions } },
    });
    this.serviceInfo = this.resolved.info();
    try {
      const kafka = new KafkaClient({
        clientId: 'pipelab-kafka-target',
        brokers: this.resolved.kafka!.connection.brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 8, initialRetryTime: 100 },
      });
      this.admin = kafka.admin();
      await this.admin.connect().catch((e: Error) => {
        const brokers = this.resolved!.kafka!.connection.brokers.join(',');
        throw new PipelabError('SERVICE_UNAVAILABLE', `cannot reach Kafka at ${brokers}: ${cause(e)}`, {
          hint: 'check --kafka / PIPELAB_KAFKA (host:port of a broker), or drop it to use the embedded broker',
          cause: e,
        });
      });
      await this.createTopics(partitions);
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      this.out.producer = producer;
      await producer.connect();
      if (this.c.results?.length) await this.startResults(kafka);
      if (this.c.lag) {
        this.lag = new LagWatcher(this.admin, this.c.lag.group, this.c.produce.topic, tc.metrics, () => tc.now());
        this.lag.start();
      }
    } catch (e) {
      await this.teardown().catch(() => {});
      throw e;
    }
  }

  /** missing topics are created with the configured partitions, and the run says which */
  private async createTopics(partitions: number): Promise<void> {
    const admin = this.admin!;
    const wanted = new Map<string, number>([[this.c.produce.topic, partitions]]);
    for (const r of this.c.results ?? []) wanted.set(r.topic, r.partitions ?? partitions);
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted].filter(([t]) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions })),
    });
    this.topicsCreated = missing.map(([t]) => t);
    process.stderr.write(`kafka target: created ${missing.map(([t, n]) => `${t} (${n} partitions)`).join(', ')}\n`);
  }

  private async startResults(kafka: Kafka): Promise<void> {
    const embedded = !!this.resolved?.kafka?.connection.broker;
    const results = kafka.consumer({
      groupId: `pipelab-results-${process.pid}-${Date.now()}`,
      maxWaitTimeInMs: 20,
      sessionTimeout: embedded ? 3000 : 10_000,
      heartbeatInterval: embedded ? 300 : 1000,
    });
    this.results = results;
    await results.connect();
    await results.subscribe({ topics: this.c.results!.map((r) => r.topic), fromBeginning: false });
    const joined = new Promise<void>((r) => results.on(results.events.GROUP_JOIN, () => r()));
    const tc = this.ctx!;
    const eachBatch = resultsHandler({
      ledger: this.ledger,
      specs: this.c.results!,
      metrics: () => tc.metrics,
      now: () => tc.now(),
      warn: (m) => {
        this.warnings.push(m);
        process.stderr.write(`warning: ${m}\n`);
      },
    });
    await results.run({ eachBatch, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 3 });
    await joined;
  }

  iterate(it: IterationContext): Promise<IterationOutcome> {
    const tc = this.ctx as TargetContext;
    const now = tc.now();
    this.lastNow = now;
    // the intended send time as epoch: now minus how late this iteration starts
    const sent = epochNow() - (now - it.intendedStartMs);
    let e: Produced;
    try {
      e = (this.next as (i: number, s: number) => Produced)(this.index++, sent);
    } catch (err) {
      return Promise.reject(err);
    }
    this.ledger.produce(e.id, sent);
    const headers = { ...this.headers, [H.eventId]: e.id, [H.sentMs]: sent.toFixed(3) };
    const produceLatency = tc.metrics.trend('produce_latency');
    return this.out.send({ key: e.key, value: e.value, headers }).then((ok) => {
      if (!ok) this.ledger.failed(e.id);
      else produceLatency.add(tc.now() - it.intendedStartMs, tc.now());
      return { ok };
    });
  }

  async teardown(): Promise<void> {
    this.out.flush();
    const t0 = performance.now();
    while (this.ledger.outstanding > 0 && this.results && performance.now() - t0 < this.drainTimeoutMs)
      await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - t0;
    if (this.lag) this.lagReport = await this.lag.drain(Math.max(0, this.drainTimeoutMs - drainMs));
    if (this.c.results?.length) {
      const a = this.ledger.finish(drainMs);
      this.accounting = a;
      this.ctx?.metrics.counter('events_missing').add(a.missing, this.lastNow);
      this.ctx?.metrics.counter('events_duplicated').add(a.duplicates, this.lastNow);
      this.c.results.forEach((r, i) => {
        const s = this.ledger.seen(i);
        if (s.results > 0 && s.matched === 0 && !this.warnings.some((w) => w.includes(r.topic)))
          this.warnings.push(`0 of ${s.results} results on ${r.topic} matched — check correlate`);
      });
    }
    this.lag?.stop();
    await this.results?.disconnect().catch(() => {});
    await this.out.producer?.disconnect().catch(() => {});
    await this.admin?.disconnect().catch(() => {});
    await this.resolved?.close();
    this.results = undefined;
    this.out.producer = undefined;
    this.admin = undefined;
  }

  services(): Record<string, ServiceInfo> {
    return this.serviceInfo;
  }

  extra(): Record<string, unknown> {
    return {
      ...(this.accounting ? { accounting: this.accounting } : {}),
      ...(this.lagReport ? { lag: this.lagReport } : {}),
      ...(this.topicsCreated.length ? { topicsCreated: this.topicsCreated } : {}),
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
    };
  }
}
