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
import { kafkajsSecurity } from '../../../pipeline/kafka-security.ts';
import { epochNow } from '../../../pipeline/processor/headers.ts';
import { kafkaConnectError } from '../../services/kafka-security.ts';
import { parseDuration } from '../../../results/duration.ts';
import type { ServiceInfo } from '../../../results/types.ts';
import type { TrendMetric } from '../../metrics/api.ts';
import { resolveServices, servicesRequestFrom, type ResolvedServices } from '../../services/index.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from '../api.ts';
import { newIdScope } from '../../../generators/digits.ts';
import { type EventSource, eventSource, type Produced, produceSerializer } from './events.ts';
import { BatchAcks, openProducer, type RecordProducer } from '../producers.ts';
import { LagWatcher, type LagReport } from './lag.ts';
import { KafkaLedger, type KafkaAccounting } from './ledger.ts';
import { decoderOf, resultsHandler } from './results.ts';
import { KAFKA_TARGET_DEFAULTS, type Config } from './schema.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export class KafkaTarget implements Target {
  readonly kind = 'kafka';
  private readonly drainTimeoutMs: number;
  private readonly ledger: KafkaLedger;
  private out: RecordProducer | undefined;
  private ctx: TargetContext | undefined;
  private source: EventSource | undefined;
  /** this run's mark in the events' ids, when the Kafka is not the run's own (generators/digits.ts) */
  private idScope: string | undefined;
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
  private produceLatency: TrendMetric | undefined;
  private lastNow = 0;
  private readonly headers: Record<string, string> | undefined;
  /** per batch: failed sends leave the books, acknowledged ones give their produce latency */
  private readonly acks = new BatchAcks((ids, at, ok) => {
    const tc = this.ctx as TargetContext;
    if (!ok && this.matching) {
      for (const id of ids) this.ledger.failed(id);
      return;
    }
    const now = tc.now();
    const produceLatency = this.produceLatency as TrendMetric;
    for (const t of at) produceLatency.add(now - t, now);
  });
  /** headers that carry the event id: those results rules correlate by */
  private readonly idHeaders: string[];
  private readonly matching: boolean;
  /** the schema registry of avro-confluent topics */
  private registryUrl: string | undefined;

  constructor(private readonly c: Config) {
    this.drainTimeoutMs = c.drainTimeout ? parseDuration(c.drainTimeout) : KAFKA_TARGET_DEFAULTS.drainTimeoutMs;
    this.ledger = new KafkaLedger((c.results ?? []).map((r) => r.topic));
    this.matching = (c.results?.length ?? 0) > 0;
    this.headers = c.produce.headers && Object.keys(c.produce.headers).length ? { ...c.produce.headers } : undefined;
    this.idHeaders = [
      ...new Set((c.results ?? []).flatMap((r) => ('header' in r.correlate ? [r.correlate.header] : []))),
    ];
  }

  async setup(tc: TargetContext): Promise<void> {
    this.ctx = tc;
    this.produceLatency = tc.metrics.trend('produce_latency');
    // the produce block is checked (formats, schemas) before anything connects
    this.source = eventSource(this.c.produce, tc.rng.fork('target:kafka'));
    for (const [i, s] of (this.c.results ?? []).entries()) decoderOf(s, i);
    registerKafkajsCodecs();
    const req = servicesRequestFrom(tc.services);
    const partitions = this.c.produce.partitions ?? KAFKA_TARGET_DEFAULTS.partitions;
    const registryFlag = tc.services?.['schema-registry'] || process.env.PIPELAB_SCHEMA_REGISTRY || undefined;
    const wantsRegistry = [this.c.produce.format, ...(this.c.results ?? []).map((r) => r.format)].includes(
      'avro-confluent',
    );
    this.resolved = await resolveServices({
      kafka: {
        ...(req.kafka === true ? {} : req.kafka),
        // avro-confluent without --schema-registry: the embedded broker serves one
        embedded: {
          defaultPartitions: partitions,
          ...(wantsRegistry && !registryFlag ? { schemaRegistry: true } : {}),
        },
      },
    });
    this.serviceInfo = this.resolved.info();
    // a Kafka that outlives the run (and the system behind it) has seen earlier runs' events: the built-in generators'
    // ids get this run's scope, or a second run of the same seed sends ids a deduplicating pipeline drops
    if (!this.resolved.kafka!.connection.broker) {
      this.idScope = newIdScope();
      this.source = eventSource(this.c.produce, tc.rng.fork('target:kafka'), undefined, this.idScope);
    }
    try {
      const { brokers, security } = this.resolved.kafka!.connection;
      if (wantsRegistry) await this.useRegistry(registryFlag, tc.rng.fork('target:kafka'));
      const kafka = new KafkaClient({
        clientId: 'pipelab-kafka-target',
        brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 8, initialRetryTime: 100 },
        ...kafkajsSecurity(security),
      });
      this.admin = kafka.admin();
      // connect only opens a socket: listing topics is the first request an authorization can refuse
      await this.admin
        .connect()
        .then(() => this.createTopics(partitions))
        .catch((e: Error) => {
          throw kafkaConnectError(e, brokers, security);
        });
      this.out = await openProducer({
        client: this.c.produce.client ?? KAFKA_TARGET_DEFAULTS.client,
        brokers,
        security,
        topic: this.c.produce.topic,
        lingerMs: this.c.produce.lingerMs ?? KAFKA_TARGET_DEFAULTS.lingerMs,
        kafkajs: (given) => kafka.producer({ allowAutoTopicCreation: false, ...given }),
      });
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

  /**
   * avro-confluent: the registry is --schema-registry (PIPELAB_SCHEMA_REGISTRY), else the embedded
   * broker's; the produce schema is looked up or registered before any load.
   */
  private async useRegistry(flag: string | undefined, rng: TargetContext['rng']): Promise<void> {
    const url = flag ?? this.resolved?.kafka?.connection.broker?.schemaRegistry?.url;
    if (!url)
      throw new PipelabError(
        'INVALID_ARGUMENT',
        "format 'avro-confluent' needs a schema registry: --schema-registry URL (or PIPELAB_SCHEMA_REGISTRY)",
        {
          hint:
            'the embedded broker brings its own, an external Kafka does not; ' +
            '`pipelab broker --schema-registry-port 8081` serves one beside the broker',
        },
      );
    this.registryUrl = url;
    this.serviceInfo['schema-registry'] = {
      mode: flag ? 'external' : 'embedded',
      detail: flag ? url : `embedded schema registry at ${url}`,
    };
    if (this.c.produce.format === 'avro-confluent')
      this.source = eventSource(this.c.produce, rng, await produceSerializer(this.c.produce, url), this.idScope);
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
      decoders: this.c.results!.map((s, i) => decoderOf(s, i, this.registryUrl)),
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
      e = (this.source as EventSource).next(this.index++, sent);
    } catch (err) {
      return Promise.reject(err);
    }
    // no results topics: nothing to match, so no books to keep (lag mode, or producing only)
    if (this.matching) this.ledger.produce(e.id, sent);
    // the system under test knows nothing of pipelab's headers: only the user's, plus the id in
    // the header a results rule correlates by (the system is expected to carry it over)
    let headers: Record<string, string> | undefined = this.headers;
    if (this.idHeaders.length) {
      headers = { ...this.headers };
      for (const h of this.idHeaders) headers[h] = e.id;
    }
    const record = headers ? { key: e.key, value: e.value, headers } : { key: e.key, value: e.value };
    return this.acks.track((this.out as RecordProducer).send(record), e.id, it.intendedStartMs);
  }

  async teardown(): Promise<void> {
    this.out?.flush();
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
    await this.out?.close();
    await this.admin?.disconnect().catch(() => {});
    await this.resolved?.close();
    this.results = undefined;
    this.out = undefined;
    this.admin = undefined;
  }

  services(): Record<string, ServiceInfo> {
    return this.serviceInfo;
  }

  extra(): Record<string, unknown> {
    const truth = this.source?.truth();
    return {
      // an event spec's ground truth: what the system under test was sent late, out of order, twice
      ...(truth ? { truth } : {}),
      ...(this.accounting ? { accounting: this.accounting } : {}),
      ...(this.lagReport ? { lag: this.lagReport } : {}),
      ...(this.topicsCreated.length ? { topicsCreated: this.topicsCreated } : {}),
      ...(this.warnings.length ? { warnings: this.warnings } : {}),
    };
  }
}
