/**
 * The pipeline target's life cycle: setup resolves the services and starts the processors, the
 * producer and the results consumer; each iteration produces one generated transaction; teardown
 * drains (every produced id decided or dead-lettered, up to drainTimeout) and closes the books.
 * The pieces live beside it: schema.ts, results.ts, processors.ts (the producer: ../producers.ts), faults here.
 */
import kafkajs from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { PipelabError } from '../../../errors.ts';
import type { Rng } from '../../../generators/rng.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { newIdScope } from '../../../generators/digits.ts';
import { createTransactionStream, type TransactionStream } from '../../../generators/transactions.ts';
import type { FeatureStore } from '../../../pipeline/features/store.ts';
import { ModelClient } from '../../../pipeline/model-server/client.ts';
import { parseWeights } from '../../../pipeline/model-server/router.ts';
import { kafkajsSecurity } from '../../../pipeline/kafka-security.ts';
import { epochNow } from '../../../pipeline/processor/headers.ts';
import { kafkaConnectError } from '../../services/kafka-security.ts';
import { type ProcessorStats, type StreamProcessor, WINDOW_DEFAULTS } from '../../../pipeline/processor/index.ts';
import { TOPICS, ensureTopics } from '../../../pipeline/topics.ts';
import { withDefaults } from '../../../results/defaults.ts';
import { parseDuration } from '../../../results/duration.ts';
import type { ServiceInfo } from '../../../results/types.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import { openFeatureStore, resolveServices, servicesRequestFrom, type ResolvedServices } from '../../services/index.ts';
import type { IterationContext, IterationOutcome, TargetContext } from '../api.ts';
import { recordDelivery } from '../../checkers/metrics.ts';
import { WindowBooks } from './window-books.ts';
import { EventLedger, type Accounting } from './accounting.ts';
import { LiveAutoscaler } from './autoscale.ts';
import { startDriftLoop, type DriftLoopHandle } from './drift.ts';
import type { FaultHost } from '../../faults/host.ts';
import { armTimedFaults, endpointsOf, pipelineFaultHost } from './faults.ts';
import { PROCESSOR_GROUP, processorFactory, startChild, startChildren, type ChildEndpoints } from './processors.ts';
import { BatchAcks, openProducer, type RecordProducer } from '../producers.ts';
import { ChunkSizes } from './results.ts';
import { type Observer, observeHere, observeOnThread } from './observer.ts';
import { UserEventsFeed, userEventsTaken } from './user-events.ts';
import { pipelineResources } from './resources.ts';
import { type ServiceCounts, serviceCounts } from './service-counts.ts';
import { checkClusterMode, clusterOptions } from './cluster.ts';
import { DeadLetterSamples, piiExtra, sendSealed, SourceSealer, targetPii, type TargetPii } from './pii.ts';
import { PIPELINE_TARGET_DEFAULTS, type Config, type PipelineTarget } from './schema.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export class PipelineTargetRun implements PipelineTarget {
  readonly kind = 'pipeline';
  private readonly o: typeof PIPELINE_TARGET_DEFAULTS & Config;
  private readonly drainTimeoutMs: number;
  private readonly ledger = new EventLedger();
  /** decisions' chunk time by chunk size (extra.chunkClasses), for the calibration's chunk line */
  private readonly chunkSizes = new ChunkSizes();
  private readonly acks = new BatchAcks((ids, _at, ok) => {
    if (ok) for (const id of ids) this.ledger.acked(id);
    else for (const id of ids) this.ledger.produceFailed(id);
  });
  readonly handles: PipelineTarget['handles'] = { processors: [], children: [], ledger: this.ledger };
  private ctx: TargetContext | undefined;
  private metrics: MetricsRegistry | undefined;
  private rng: Rng | undefined;
  private gen: TransactionStream | undefined;
  private out: RecordProducer | undefined;
  /** the user-behaviour feed and its producer (target.userEvents) */
  private feed: UserEventsFeed | undefined;
  private userOut: RecordProducer | undefined;
  private kafka: Kafka | undefined;
  /** the results observer (observer.ts) */
  private results: Observer | undefined;
  private store: FeatureStore | undefined;
  private model: ModelClient | undefined;
  private serviceInfo: Record<string, ServiceInfo> = {};
  private accounting: Accounting | undefined;
  private processorStats: ProcessorStats[] = [];
  private serviceCounts: ServiceCounts = {};
  private brokerList: readonly string[] = [];
  private modelStopped = false;
  private faultsArmed = false;
  private lastIterNow = 0;
  /** the last transaction's send and event id (produce), so an iteration makes no object */
  private sending: Promise<boolean> | undefined;
  private sendingId = '';
  private seq = 0;
  private readonly faultTimers: Promise<void>[] = [];
  private readonly faultAbort = new AbortController();
  private drift: DriftLoopHandle | undefined;
  private autoscaler: LiveAutoscaler | undefined;
  private readonly retired: StreamProcessor[] = [];
  private pii: TargetPii | undefined;
  private piiSamples: DeadLetterSamples | undefined;
  private source: SourceSealer | undefined;
  private instances = 0;
  private make: (() => StreamProcessor) | undefined;
  private endpoints: ChildEndpoints | undefined;
  private childPii: { keyFile?: string | undefined; audit: boolean } | undefined;

  constructor(private readonly c: Config) {
    this.o = withDefaults(PIPELINE_TARGET_DEFAULTS, c);
    this.drainTimeoutMs = c.drainTimeout ? parseDuration(c.drainTimeout) : PIPELINE_TARGET_DEFAULTS.drainTimeoutMs;
  }

  async setup(tc: TargetContext): Promise<void> {
    const { o, c } = this;
    this.ctx = tc;
    this.metrics = tc.metrics;
    this.rng = tc.rng.fork('target:pipeline');
    registerKafkajsCodecs();
    // a bad or missing key is bad input: found before any service starts
    this.pii = targetPii(c);
    this.piiSamples = this.pii ? new DeadLetterSamples() : undefined;
    this.gen = this.transactions();
    const req = servicesRequestFrom(tc.services);
    const routes = o.routes ? parseWeights(o.routes) : undefined;
    const services = await resolveServices({
      kafka: {
        ...(req.kafka === true ? {} : req.kafka),
        embedded: { defaultPartitions: o.partitions ?? 12, minSessionTimeoutMs: 1000, ...clusterOptions(c, tc) },
      },
      redis: req.redis ?? true,
      modelServer: {
        ...(req.modelServer === true ? {} : req.modelServer),
        setup: { routes, batchSize: o.modelBatchSize, maxWaitMs: o.modelMaxWaitMs, thread: o.modelServerThread },
      },
    });
    this.handles.services = services;
    this.serviceInfo = services.info();
    try {
      await this.start(services, tc);
    } catch (e) {
      await this.teardown().catch(() => {});
      throw e;
    }
  }

  /** the events (bad params or drifts are found here, before any service starts) */
  private transactions(idScope?: string): TransactionStream {
    const { o, c } = this;
    return createTransactionStream({
      seed: (this.rng as Rng).fork('transactions').seed,
      users: { count: o.users, zipf: 1.1 },
      ...(o.fraudRate !== undefined ? { fraudRate: o.fraudRate } : {}),
      ...(c.params ? { params: c.params as never } : {}),
      ...(c.drifts ? { drifts: c.drifts as never } : {}),
      ...(this.pii ? { pii: true } : {}), // card number, e-mail and IP address too
      ...(idScope ? { idScope } : {}),
    });
  }

  /** topics, stores, processors, producer, results consumer and the autoscaler, in that order */
  private async start(services: ResolvedServices, tc: TargetContext): Promise<void> {
    const { o, c, handles } = this;
    if (c.faults?.stopModelServerAt !== undefined && services.modelServer!.mode === 'external')
      throw new PipelabError(
        'INVALID_SCENARIO',
        'target.faults.stopModelServerAt cannot stop an external model server',
        {
          hint: 'run the model server pipelab starts (drop --model-server / PIPELAB_MODEL_SERVER), or remove the fault',
        },
      );
    checkClusterMode(c.brokers, services);
    // a Kafka that outlives the run holds earlier runs' events and the processors' dedup state: this run's ids get a
    // scope of their own, or a second run of the same seed is taken for redeliveries of the first and dropped
    const idScope = services.kafka!.connection.broker ? undefined : newIdScope();
    if (idScope) this.gen = this.transactions(idScope);
    const { brokers, security } = services.kafka!.connection;
    this.brokerList = brokers;
    const kafka = new KafkaClient({
      clientId: 'pipelab-target',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100 },
      ...kafkajsSecurity(security),
    });
    this.kafka = kafka;
    const topics = { ...(o.partitions ? { partitions: o.partitions } : {}) };
    if (c.retention) Object.assign(topics, { retentionMs: parseDuration(c.retention) });
    await ensureTopics(kafka, topics).catch((e: unknown) => {
      throw e instanceof PipelabError ? e : kafkaConnectError(e, brokers, security);
    });
    const at = await endpointsOf(services, tc);
    this.endpoints = at;
    const store = await openFeatureStore({ ...services.redis!.connection, url: at.redisUrl });
    this.store = store;
    const { token } = services.modelServer!.connection;
    const model = new ModelClient({ urls: [at.modelServerUrl], token, breaker: { resetTimeoutMs: 1000 } });
    this.model = model;
    if (c.driftLoop)
      this.drift = startDriftLoop(c.driftLoop, {
        server: services.modelServer!.connection.server,
        metrics: tc.metrics,
        now: () => tc.now(),
        drifts: this.gen!.drifts,
      });
    const embedded = services.kafka!.connection.broker;
    const pii = this.pii;
    this.source = pii && (await SourceSealer.open(pii.keys, kafka));
    this.childPii = pii && { keyFile: pii.keyFile, audit: pii.audit };
    if (o.processorMode === 'child') await startChildren(o, at, !!embedded, handles.children, this.childPii);
    const make = processorFactory(o, c, { brokers, security, store, model, drift: this.drift, embedded, tc, pii });
    this.make = () => make(this.instances++);
    for (; o.processorMode === 'in-process' && this.instances < o.processors; this.instances++)
      handles.processors.push(make(this.instances));
    await Promise.all(handles.processors.map((p) => p.start()));
    const producer = (topic: string) =>
      openProducer({
        client: o.producerClient,
        brokers,
        security,
        topic,
        lingerMs: o.lingerMs,
        compression: o.compression,
        idempotent: o.guarantee === 'exactly-once', // exactly-once starts at the source: no event written twice
        kafkajs: (given) => kafka.producer({ allowAutoTopicCreation: false, ...given }),
      });
    this.out = await producer(TOPICS.transactions);
    if (c.userEvents) {
      const allowedLatenessMs = c.allowedLateness
        ? parseDuration(c.allowedLateness)
        : WINDOW_DEFAULTS.allowedLatenessMs;
      this.feed = new UserEventsFeed(c.userEvents, this.rng as Rng, { users: o.users, allowedLatenessMs, idScope });
      this.userOut = await producer(TOPICS.userEvents);
    }
    this.ledger.windows = new WindowBooks(c.window ? parseDuration(c.window) : WINDOW_DEFAULTS.sizeMs);
    await this.startResults(kafka, !!embedded, services);
    if (c.autoscale) this.startAutoscaler(services, tc, () => make(this.instances++));
  }

  private async startResults(kafka: Kafka, embedded: boolean, services: ResolvedServices): Promise<void> {
    const books = {
      ledger: this.ledger,
      metrics: () => this.metrics as MetricsRegistry,
      now: () => (this.ctx ? this.ctx.now() : 0),
      behaviour: this.feed,
      samples: this.piiSamples,
      sizes: this.chunkSizes,
    };
    const { brokers, security } = services.kafka!.connection;
    const { fetchMinBytes, fetchMaxWaitMs } = this.o;
    const from = { client: this.o.observerClient, brokers, security, embedded, fetchMinBytes, fetchMaxWaitMs };
    this.results = this.o.observerThread
      ? await observeOnThread(from, books)
      : await observeHere({ ...from, kafka }, books);
  }

  private startAutoscaler(services: ResolvedServices, tc: TargetContext, make: () => StreamProcessor): void {
    const embedded = services.kafka!.connection.broker;
    if (!embedded)
      throw new PipelabError(
        'INVALID_SCENARIO',
        'target.autoscale needs the embedded broker (it reads the group lag from it)',
        {
          hint: 'drop --kafka / PIPELAB_KAFKA for this scenario, or remove target.autoscale',
        },
      );
    const handles = this.handles;
    this.autoscaler = new LiveAutoscaler(
      this.c.autoscale!,
      {
        replicas: () => handles.processors.length,
        lag: () =>
          embedded
            .lag(PROCESSOR_GROUP)
            .partitions.filter((p) => p.topic === TOPICS.transactions)
            .map((p) => ({ latest: p.highWatermark, committed: p.committed < 0 ? null : p.committed })),
        add: async () => {
          const p = make();
          handles.processors.push(p);
          await p.start();
        },
        remove: async () => {
          const p = handles.processors.pop();
          if (!p) return;
          this.retired.push(p);
          await p.stop();
        },
      },
      { now: () => tc.now(), metrics: tc.metrics },
      this.o.partitions ?? 12,
    );
    this.autoscaler.start();
  }

  iterate(it: IterationContext): Promise<IterationOutcome> {
    return this.produce(it) ?? this.acks.track(this.sending as Promise<boolean>, this.sendingId);
  }

  /** iterate() with no promise per iteration: the batch's settlement calls `done` (BatchAcks.trackCallback) */
  iterateCallback(it: IterationContext, done: (o: IterationOutcome) => void): void {
    const feed = this.produce(it);
    if (feed) feed.then(done, () => done({ ok: false }));
    else this.acks.trackCallback(this.sending as Promise<boolean>, this.sendingId, 0, done);
  }

  /** one iteration's record to its producer: a user event's outcome, or a transaction's send left in `sending` */
  private produce(it: IterationContext): Promise<IterationOutcome> | undefined {
    const tc = this.ctx as TargetContext;
    const now = tc.now();
    this.lastIterNow = now;
    if (!this.faultsArmed) this.armFaults();
    // the intended send time as epoch: now minus how late this iteration starts
    const sent = epochNow() - (now - it.intendedStartMs);
    if (this.feed?.turn()) return this.feed.send(this.userOut as RecordProducer, sent);
    const plain = (this.gen as TransactionStream).next();
    this.drift?.generated(now);
    plain.eventTime = Math.floor(sent);
    const sealed = this.source?.seal(plain); // target.pii: PII encrypted under the user's data key
    const tx = sealed?.tx ?? plain;
    const r = this.rng as Rng;
    const malformed = this.o.malformedShare > 0 && r.bernoulli(this.o.malformedShare);
    let value: string;
    if (!malformed) value = transactionToJson(tx);
    else if (this.seq % 2 === 0)
      value = transactionToJson(tx).slice(0, 40); // truncated JSON
    else value = transactionToJson({ ...tx, amount: -1 }); // schema: a negative amount
    this.seq++;
    this.ledger.produced(tx.id, malformed, tx.userId);
    // pipelab's headers (event id, intended send time) as fields: the producer writes them in its client's form
    const msg = { key: tx.userId, value, eventId: tx.id, sentMs: sent, headers: sealed?.headers };
    this.sending = sendSealed(this.out as RecordProducer, msg, sealed);
    this.sendingId = tx.id;
    return undefined;
  }

  async teardown(): Promise<void> {
    const { handles, ledger } = this;
    this.faultAbort.abort();
    await this.autoscaler?.stop();
    await Promise.all(this.faultTimers);
    await this.drift?.idle();
    this.out?.flush();
    this.userOut?.flush();
    const t0 = performance.now();
    // drain: wait for every produced id to end (decided or dead-lettered)
    while (ledger.outstanding > 0 && performance.now() - t0 < this.drainTimeoutMs && this.results)
      await new Promise((r) => setTimeout(r, 50));
    if (this.feed && this.kafka && this.results)
      await userEventsTaken(this.kafka, PROCESSOR_GROUP, t0 + this.drainTimeoutMs);
    // processors stop gracefully: open windows close (aggregates written) before the books close
    await Promise.all([
      ...handles.processors.map((p) => p.stop().catch(() => {})),
      ...handles.children.map((c) => c.stop().catch(() => {})),
    ]);
    const tStop = performance.now();
    if (this.results && (handles.processors.length || handles.children.length))
      do await new Promise((r) => setTimeout(r, 300));
      while (ledger.windows?.short && performance.now() - tStop < 3000); // the closing windows arrive
    // user events end in window aggregates, most written when the processors stop: wait for them
    while (this.feed && this.feed.outstanding > 0 && performance.now() - t0 < this.drainTimeoutMs && this.results)
      await new Promise((r) => setTimeout(r, 50));
    this.processorStats = [...handles.processors, ...this.retired].map((p) => p.stats());
    const accounting = ledger.finish(performance.now() - t0);
    if (this.feed) accounting.userEvents = this.feed.finish();
    this.accounting = accounting;
    if (this.metrics) {
      // user events count too: each must end in a window or a dead letter
      const missing = (accounting.missing ?? 0) + (accounting.userEvents?.missing ?? 0);
      this.metrics.counter('events_missing').add(missing, this.lastIterNow);
      this.metrics.counter('events_duplicated').add(accounting.duplicates, this.lastIterNow);
      if (accounting.windows) this.metrics.counter('windows_off').add(accounting.windows.mismatched, this.lastIterNow);
      recordDelivery(this.metrics, ledger.report, this.lastIterNow);
    }
    await this.closeClients();
  }

  private async closeClients(): Promise<void> {
    await this.results?.stop();
    await this.source?.stop();
    await this.out?.close();
    await this.userOut?.close();
    await this.model?.close().catch(() => {});
    await this.store?.close().catch(() => {});
    this.serviceCounts = await serviceCounts(this.handles.services).catch(() => ({}));
    await this.handles.services?.close();
    this.results = undefined;
    this.out = undefined;
  }

  services(): Record<string, ServiceInfo> {
    return this.serviceInfo;
  }

  /** what the scenario's fault timeline can hit in this run (faults.ts) */
  faultHost(): FaultHost {
    const { handles, retired } = this;
    return pipelineFaultHost({
      handles,
      services: handles.services as ResolvedServices,
      store: () => this.store,
      newProcessor: () => (this.make as () => StreamProcessor)(),
      retire: (p) => retired.push(p),
      newChild: () =>
        startChild(this.o, this.endpoints as ChildEndpoints, !!handles.services?.kafka?.connection.broker),
    });
  }

  extra(): Record<string, unknown> {
    const report = this.ledger.report;
    return {
      // books not closed: teardown failed before finish(), so nothing here may read as "0 missing"
      accounting: this.accounting ?? this.ledger.incomplete('the teardown did not finish: the books never closed'),
      ...(report ? { delivery: report } : {}),
      guarantee: this.o.guarantee,
      processors: this.processorStats,
      ...(this.modelStopped ? { faults: { modelServerStopped: true } } : {}),
      ...this.serviceCounts,
      chunkClasses: this.chunkSizes.report(),
      ...(this.autoscaler ? { autoscale: this.autoscaler.log } : {}),
      ...(this.drift ? { driftLoop: this.drift.report() } : {}),
      ...pipelineResources(this.o, this.brokerList, this.serviceInfo),
      ...piiExtra(this.pii, this.piiSamples),
    };
  }

  async stopModelServer(): Promise<void> {
    const ms = this.handles.services?.modelServer;
    if (!ms || this.modelStopped) return;
    if (ms.mode === 'external')
      throw new PipelabError('INVALID_SCENARIO', 'cannot stop an external model server', {
        hint: 'stopModelServer() stops a model server pipelab runs (embedded, local or container)',
      });
    this.modelStopped = true;
    await ms.close();
    this.metrics?.counter('faults').add(1, this.ctx?.now() ?? 0, { fault: 'model_server_stopped' });
  }

  async killProcessor(index = 0): Promise<void> {
    const p = this.handles.processors[index] ?? this.handles.children[index];
    if (!p) return;
    await p.kill();
    this.metrics?.counter('faults').add(1, this.ctx?.now() ?? 0, { fault: 'processor_killed' });
  }

  /** the scenario's faults, timed on the run's clock from the first iteration */
  private armFaults(): void {
    this.faultsArmed = true;
    const at = { stopModelServer: this.c.faults?.stopModelServerAt, killProcessor: this.c.faults?.killProcessorAt };
    const timers = armTimedFaults(this.ctx as TargetContext, this.faultAbort.signal, at, this);
    this.faultTimers.push(...timers);
  }
}
