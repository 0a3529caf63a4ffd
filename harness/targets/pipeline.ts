/**
 * `pipeline` target: the reference pipeline end to end.
 *   target: { type: 'pipeline', processors: 2, malformedShare: 0.01, routes: 'v1=90,v2=10' }
 * Setup resolves Kafka, Redis and the model server (external → container → local → embedded),
 * creates the topics, starts N stream processors in this process (0 = they run elsewhere, e.g.
 * `pipelab process` in docker-compose) and a results consumer on fraud-decisions,
 * processed-events and dead-letter. Each iteration produces one generated transaction (keyed by
 * user id) with its event id and intended send time in headers; the iteration succeeds when the
 * broker acknowledges it. Results are measured when observed: `e2e_latency` = observed −
 * intended send time; `stage_queue`, `stage_features`, `stage_inference`, `stage_sink` from the
 * processor's headers. Teardown waits (up to `drainTimeout`) for every produced id to end, then
 * the ledger goes to `extra.accounting`.
 */
import kafkajs from 'kafkajs';
import type { Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
import { z } from 'zod';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { ServiceInfo } from '../../results/types.ts';
import {
  enumOf,
  nonNegativeInt,
  positiveDuration,
  duration,
  positiveInt,
  probability,
  strictObject,
  nonNegativeNumber,
} from '../scenario/fields.ts';
import { parseDuration } from '../../results/duration.ts';
import { registerKafkajsCodecs } from '../../broker/codecs.ts';
import { resolveServices, servicesRequestFrom, openFeatureStore, type ResolvedServices } from '../services/index.ts';
import type { IterationContext, IterationOutcome, Target, TargetContext } from './api.ts';
import { EventLedger, type Accounting } from './pipeline-accounting.ts';
import { startChildProcessor, type ChildProcessor } from './pipeline-children.ts';
import { autoscaleSchema, LiveAutoscaler } from './pipeline-autoscale.ts';
import { PipelabError } from '../../errors.ts';
import { ensureTopics, compressionType, TOPICS, type Compression } from '../../pipeline/topics.ts';
import { StreamProcessor, RecentIds, type ProcessorStats } from '../../pipeline/processor/index.ts';
import { H, epochNow, header, numHeader } from '../../pipeline/processor/headers.ts';
import { ModelClient } from '../../pipeline/model-server/client.ts';
import { parseWeights } from '../../pipeline/model-server/router.ts';
import type { FeatureStore } from '../../pipeline/features/store.ts';
import { createTransactionStream, type TransactionStream } from '../../generators/transactions.ts';
import { transactionToJson } from '../../generators/serialize.ts';
import type { Rng } from '../../generators/rng.ts';
import { startDriftLoop, type DriftLoopHandle } from './pipeline-drift.ts';
import { withDefaults } from '../../results/defaults.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export const COMPRESSIONS = ['lz4', 'snappy', 'gzip', 'none'] as const;

export const schema = strictObject({
  type: z.literal('pipeline'),
  /** stream processor instances started in this process (one consumer group); 0 = they run elsewhere */
  processors: nonNegativeInt().optional(),
  /** 'in-process' (default): processors share this process; 'child': each is a `pipelab process` child (other cores, a kill is a real SIGKILL) */
  processorMode: enumOf(['in-process', 'child'] as const).optional(),
  /** partitions of the pipeline's topics when this run creates them (default: the declared 12) */
  partitions: positiveInt().optional(),
  compression: enumOf(COMPRESSIONS).optional(),
  /** share of produced events that are deliberately malformed (exercises dead-letter) */
  malformedShare: probability().optional(),
  /** generated user population */
  users: positiveInt().optional(),
  fraudRate: probability().optional(),
  /** model A/B routes for an embedded/local model server, e.g. 'v1=90,v2=10' */
  routes: z
    .string()
    .regex(/^\s*[\w.-]+=\d+(\.\d+)?(\s*,\s*[\w.-]+=\d+(\.\d+)?)*\s*$/, {
      error: 'expected version=weight pairs, e.g. "v1=90,v2=10"',
    })
    .optional(),
  modelBatchSize: positiveInt().optional(),
  modelMaxWaitMs: nonNegativeNumber().optional(),
  /** tumbling window size and allowed lateness (defaults 5m, 1m) */
  window: positiveDuration().optional(),
  allowedLateness: duration().optional(),
  /** how long teardown waits for outstanding results before counting them missing (default 15s) */
  drainTimeout: positiveDuration().optional(),
  /** producer linger: records gathered into one send (default 2 ms) */
  lingerMs: nonNegativeNumber().optional(),
  /** records fetched but unacknowledged before a processor pauses partitions */
  maxInFlight: positiveInt().optional(),
  /** sampling-parameter overrides of the transaction generator (its `params`, docs/generators.md) */
  params: z.record(z.string(), z.unknown()).optional(),
  /** drifts injected into the generated transactions (the generator's drift specs, docs/generators.md) */
  drifts: z.array(z.record(z.string(), z.unknown())).optional(),
  /** the drift → retrain → A/B → promote loop (docs/drift.md; embedded model server only) */
  driftLoop: strictObject({
    detector: enumOf(['adwin', 'page-hinkley'] as const).optional(),
    signals: z
      .array(enumOf(['amount', 'score'] as const))
      .min(1)
      .optional(),
    referenceSize: positiveInt().optional(),
    recentSize: positiveInt().optional(),
    pvalue: probability().optional(),
    baselineRows: positiveInt().optional(),
    trainRows: positiveInt().optional(),
    evalRows: positiveInt().optional(),
    epochs: positiveInt().optional(),
    candidateWeight: z.number().gt(0).lt(100).optional(),
    minAucGain: z.number().optional(),
  }).optional(),
  faults: strictObject({
    /** stop the model server at this run time (decisions continue via rules) */
    stopModelServerAt: duration().optional(),
    /** kill one processor instance (no commit, no window flush) at this run time; needs processors ≥ 2 */
    killProcessorAt: duration().optional(),
  }).optional(),
  /** live autoscaling of the in-process processors on the embedded broker's lag (pipeline-autoscale.ts) */
  autoscale: autoscaleSchema.optional(),
}).superRefine((c, ctx) => {
  if (c.faults?.killProcessorAt !== undefined && (c.processors ?? 1) < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['faults', 'killProcessorAt'],
      message: 'needs processors ≥ 2 (the survivors take over the partitions)',
    });
  }
  if (c.driftLoop && ((c.processors ?? 1) < 1 || c.processorMode === 'child')) {
    ctx.addIssue({
      code: 'custom',
      path: ['driftLoop'],
      message:
        'needs in-process processors (processors ≥ 1, processorMode in-process): the loop watches what they score',
    });
  }
  if (c.faults?.stopModelServerAt !== undefined && (c.processors ?? 1) < 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['faults', 'stopModelServerAt'],
      message: 'needs in-process processors (processors ≥ 1)',
    });
  }
  if (c.autoscale && ((c.processors ?? 1) < 1 || c.processorMode === 'child')) {
    ctx.addIssue({
      code: 'custom',
      path: ['autoscale'],
      message: 'scales in-process processors: needs processors ≥ 1 and processorMode "in-process"',
    });
  }
  if (
    c.autoscale &&
    c.autoscale.min !== undefined &&
    c.autoscale.max !== undefined &&
    c.autoscale.min > c.autoscale.max
  ) {
    ctx.addIssue({ code: 'custom', path: ['autoscale', 'max'], message: `must be ≥ min (${c.autoscale.min})` });
  }
});
export type Config = z.output<typeof schema>;

export const PIPELINE_TARGET_DEFAULTS = {
  processors: 1,
  processorMode: 'in-process' as 'in-process' | 'child',
  compression: 'lz4' as Compression,
  malformedShare: 0,
  users: 10_000,
  drainTimeoutMs: 15_000,
  lingerMs: 2,
};

export interface PipelineTarget extends Target {
  /** after setup: the resolved services, processors and accounting so far (tests, notebooks) */
  readonly handles: {
    services?: ResolvedServices;
    processors: StreamProcessor[];
    children: ChildProcessor[];
    ledger: EventLedger;
  };
  stopModelServer(): Promise<void>;
  killProcessor(index?: number): Promise<void>;
}

interface Pending {
  msg: Message;
  resolve(ok: boolean): void;
}

export function create(c: Config): PipelineTarget {
  const o = withDefaults(PIPELINE_TARGET_DEFAULTS, c);
  const drainTimeoutMs = c.drainTimeout ? parseDuration(c.drainTimeout) : PIPELINE_TARGET_DEFAULTS.drainTimeoutMs;
  const ledger = new EventLedger();
  const handles: PipelineTarget['handles'] = { processors: [], children: [], ledger };
  let ctx: TargetContext | undefined;
  let metrics: MetricsRegistry | undefined;
  let rng: Rng | undefined;
  let gen: TransactionStream | undefined;
  let kafka: Kafka | undefined;
  let producer: Producer | undefined;
  let results: Consumer | undefined;
  let store: FeatureStore | undefined;
  let model: ModelClient | undefined;
  let serviceInfo: Record<string, ServiceInfo> = {};
  let accounting: Accounting | undefined;
  let processorStats: ProcessorStats[] = [];
  let modelStopped = false;
  let faultsArmed = false;
  let lastIterNow = 0;
  let buffer: Pending[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let seq = 0;
  const faultTimers: Promise<void>[] = [];
  const faultAbort = new AbortController();
  let drift: DriftLoopHandle | undefined;
  let autoscaler: LiveAutoscaler | undefined;
  const retired: StreamProcessor[] = [];

  const flush = (): void => {
    flushTimer = undefined;
    if (!buffer.length || !producer) return;
    const batch = buffer;
    buffer = [];
    producer
      .send({
        topic: TOPICS.transactions,
        acks: -1,
        compression: compressionType(o.compression),
        messages: batch.map((p) => p.msg),
      })
      .then(
        () => batch.forEach((p) => p.resolve(true)),
        () => batch.forEach((p) => p.resolve(false)),
      );
  };

  const onResults = async ({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> => {
    const observed = epochNow();
    const t = ctx ? ctx.now() : 0;
    const m = metrics as MetricsRegistry;
    for (const msg of batch.messages) {
      if (batch.topic === TOPICS.processedEvents) {
        try {
          ledger.aggregate((JSON.parse(msg.value?.toString('utf8') ?? '{}') as { count?: number }).count ?? 0);
        } catch {
          /* an aggregate we cannot read is not an event */
        }
        continue;
      }
      const id = header(msg.headers, H.eventId);
      if (id === undefined) continue;
      if (batch.topic === TOPICS.deadLetter) {
        const reason = header(msg.headers, H.reason) ?? 'unknown';
        if (ledger.deadLettered(id, reason)) m.counter('dead_letters').add(1, t, { reason });
        continue;
      }
      // fraud-decisions
      let d: { source?: string; modelVersion?: string } = {};
      try {
        d = JSON.parse(msg.value?.toString('utf8') ?? '{}') as typeof d;
      } catch {
        /* counted, without its source */
      }
      if (!ledger.decided(id, d.source ?? 'unknown', d.modelVersion ?? 'unknown')) continue;
      m.counter('decisions').add(1, t, { source: d.source ?? 'unknown', model_version: d.modelVersion ?? 'unknown' });
      const sent = numHeader(msg.headers, H.sentMs);
      if (sent !== undefined) m.trend('e2e_latency').add(Math.max(0, observed - sent), t);
      const recv = numHeader(msg.headers, H.receivedMs);
      if (recv !== undefined && sent !== undefined) m.trend('stage_queue').add(Math.max(0, recv - sent), t);
      const f = numHeader(msg.headers, H.featuresMs);
      if (f !== undefined) m.trend('stage_features').add(f, t);
      const inf = numHeader(msg.headers, H.inferenceMs);
      if (inf !== undefined) m.trend('stage_inference').add(inf, t);
      const sink = numHeader(msg.headers, H.sinkMs);
      if (sink !== undefined) m.trend('stage_sink').add(Math.max(0, observed - sink), t);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await heartbeat();
  };

  const armFaults = (): void => {
    faultsArmed = true;
    const tc = ctx as TargetContext;
    const at = (d: string | undefined, fn: () => Promise<void>): void => {
      if (d === undefined) return;
      const ms = parseDuration(d);
      const sleep =
        tc.sleep ??
        ((x: number, s?: AbortSignal) =>
          new Promise<void>((r) => {
            const h = setTimeout(r, x);
            s?.addEventListener('abort', () => (clearTimeout(h), r()), { once: true });
          }));
      faultTimers.push(
        sleep(Math.max(0, ms - tc.now()), faultAbort.signal)
          .then(() => (faultAbort.signal.aborted ? undefined : fn()))
          .catch(() => {}),
      );
    };
    at(c.faults?.stopModelServerAt, () => target.stopModelServer());
    at(c.faults?.killProcessorAt, () => target.killProcessor(0));
  };

  const target: PipelineTarget = {
    kind: 'pipeline',
    handles,
    async setup(tc) {
      ctx = tc;
      metrics = tc.metrics;
      rng = tc.rng.fork('target:pipeline');
      registerKafkajsCodecs();
      gen = createTransactionStream({
        seed: rng.fork('transactions').seed,
        users: { count: o.users, zipf: 1.1 },
        ...(o.fraudRate !== undefined ? { fraudRate: o.fraudRate } : {}),
        ...(c.params ? { params: c.params as never } : {}),
        ...(c.drifts ? { drifts: c.drifts as never } : {}),
      });
      const req = servicesRequestFrom(tc.services);
      const routes = o.routes ? parseWeights(o.routes) : undefined;
      const services = await resolveServices({
        kafka: {
          ...(req.kafka === true ? {} : req.kafka),
          embedded: { defaultPartitions: o.partitions ?? 12, minSessionTimeoutMs: 1000 },
        },
        redis: req.redis ?? true,
        modelServer: {
          ...(req.modelServer === true ? {} : req.modelServer),
          setup: { routes, batchSize: o.modelBatchSize, maxWaitMs: o.modelMaxWaitMs },
        },
      });
      handles.services = services;
      serviceInfo = services.info();
      try {
        const brokers = services.kafka!.connection.brokers;
        kafka = new KafkaClient({
          clientId: 'pipelab-target',
          brokers,
          logLevel: logLevel.NOTHING,
          retry: { retries: 8, initialRetryTime: 100 },
        });
        await ensureTopics(kafka, o.partitions ? { partitions: o.partitions } : {});
        store = await openFeatureStore(services.redis!.connection);
        model = new ModelClient({ urls: [services.modelServer!.connection.url], breaker: { resetTimeoutMs: 1000 } });
        if (c.driftLoop)
          drift = startDriftLoop(c.driftLoop, {
            server: services.modelServer!.connection.server,
            metrics: tc.metrics,
            now: () => tc.now(),
            drifts: gen.drifts,
          });
        const embedded = services.kafka!.connection.broker;
        const dedup = new RecentIds();
        const groupId = `pipelab-processor`;
        if (o.processorMode === 'child') {
          const started = await Promise.allSettled(
            Array.from({ length: o.processors }, () =>
              startChildProcessor({
                brokers,
                modelServerUrl: services.modelServer!.connection.url,
                redisUrl: services.redis!.connection.url,
                group: groupId,
                compression: o.compression,
                sessionTimeoutMs: embedded ? 3000 : undefined,
              }),
            ),
          );
          for (const r of started) if (r.status === 'fulfilled') handles.children.push(r.value);
          const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed) throw failed.reason;
        }
        let instances = 0;
        const makeProcessor = (i: number): StreamProcessor =>
          new StreamProcessor({
            brokers,
            store: store!,
            model: drift ? drift.tap(model!) : model!,
            groupId,
            id: `processor-${i + 1}`,
            compression: o.compression,
            dedup,
            windows: {
              sizeMs: c.window ? parseDuration(c.window) : undefined,
              allowedLatenessMs: c.allowedLateness ? parseDuration(c.allowedLateness) : undefined,
            },
            maxInFlight: o.maxInFlight,
            metrics: tc.metrics,
            now: () => tc.now(),
            lag: embedded ? () => embedded.lag(groupId).total : undefined,
            // only the first instance samples lag (it is the group's, not the instance's)
            lagEveryMs: i === 0 ? 1000 : 0,
            sessionTimeoutMs: embedded ? 3000 : undefined,
            heartbeatIntervalMs: embedded ? 300 : undefined,
          });
        for (; o.processorMode === 'in-process' && instances < o.processors; instances++)
          handles.processors.push(makeProcessor(instances));
        await Promise.all(handles.processors.map((p) => p.start()));
        producer = kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
        results = kafka.consumer({
          groupId: `pipelab-results-${process.pid}-${Date.now()}`,
          maxWaitTimeInMs: 20,
          sessionTimeout: embedded ? 3000 : 10_000,
          heartbeatInterval: embedded ? 300 : 1000,
        });
        await results.connect();
        await results.subscribe({
          topics: [TOPICS.fraudDecisions, TOPICS.deadLetter, TOPICS.processedEvents],
          fromBeginning: false,
        });
        const joined = new Promise<void>((r) => results!.on(results!.events.GROUP_JOIN, () => r()));
        await results.run({ eachBatch: onResults, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 3 });
        await joined;
        if (c.autoscale) {
          if (!embedded)
            throw new PipelabError(
              'INVALID_SCENARIO',
              'target.autoscale needs the embedded broker (it reads the group lag from it)',
              { hint: 'drop --kafka / PIPELAB_KAFKA for this scenario, or remove target.autoscale' },
            );
          const partitions = o.partitions ?? 12;
          autoscaler = new LiveAutoscaler(
            c.autoscale,
            {
              replicas: () => handles.processors.length,
              lag: () =>
                embedded
                  .lag(groupId)
                  .partitions.filter((p) => p.topic === TOPICS.transactions)
                  .map((p) => ({ latest: p.highWatermark, committed: p.committed < 0 ? null : p.committed })),
              add: async () => {
                const p = makeProcessor(instances++);
                handles.processors.push(p);
                await p.start();
              },
              remove: async () => {
                const p = handles.processors.pop();
                if (!p) return;
                retired.push(p);
                await p.stop();
              },
            },
            { now: () => tc.now(), metrics: tc.metrics },
            partitions,
          );
          autoscaler.start();
        }
      } catch (e) {
        await target.teardown().catch(() => {});
        throw e;
      }
    },

    iterate(it: IterationContext): Promise<IterationOutcome> {
      const tc = ctx as TargetContext;
      const now = tc.now();
      lastIterNow = now;
      if (!faultsArmed) armFaults();
      // the intended send time as epoch: now minus how late this iteration starts
      const sent = epochNow() - (now - it.intendedStartMs);
      const tx = (gen as TransactionStream).next();
      drift?.generated(now);
      tx.eventTime = Math.floor(sent);
      const r = rng as Rng;
      const malformed = o.malformedShare > 0 && r.bernoulli(o.malformedShare);
      let value: string;
      if (!malformed) value = transactionToJson(tx);
      else if (seq % 2 === 0)
        value = transactionToJson(tx).slice(0, 40); // truncated JSON
      else value = transactionToJson({ ...tx, amount: -1 }); // schema: a negative amount
      seq++;
      ledger.produced(tx.id, malformed);
      const msg: Message = { key: tx.userId, value, headers: { [H.eventId]: tx.id, [H.sentMs]: sent.toFixed(3) } };
      return new Promise<IterationOutcome>((resolve) => {
        buffer.push({
          msg,
          resolve: (ok) => {
            if (!ok) ledger.produceFailed(tx.id);
            resolve({ ok });
          },
        });
        if (buffer.length >= 500) {
          if (flushTimer) clearTimeout(flushTimer);
          flush();
        } else if (!flushTimer) flushTimer = setTimeout(flush, o.lingerMs);
      });
    },

    async teardown() {
      faultAbort.abort();
      await autoscaler?.stop();
      await Promise.all(faultTimers);
      await drift?.idle();
      if (flushTimer) clearTimeout(flushTimer);
      flush();
      const t0 = performance.now();
      // drain: wait for every produced id to end (decided or dead-lettered)
      while (ledger.outstanding > 0 && performance.now() - t0 < drainTimeoutMs && results)
        await new Promise((r) => setTimeout(r, 50));
      // processors stop gracefully: open windows close (aggregates written) before the books close
      await Promise.all([
        ...handles.processors.map((p) => p.stop().catch(() => {})),
        ...handles.children.map((c) => c.stop().catch(() => {})),
      ]);
      if (results && (handles.processors.length || handles.children.length))
        await new Promise((r) => setTimeout(r, 300));
      processorStats = [...handles.processors, ...retired].map((p) => p.stats());
      accounting = ledger.finish(performance.now() - t0);
      if (metrics) {
        metrics.counter('events_missing').add(accounting.missing, lastIterNow);
        metrics.counter('events_duplicated').add(accounting.duplicates, lastIterNow);
      }
      await results?.disconnect().catch(() => {});
      await producer?.disconnect().catch(() => {});
      await model?.close().catch(() => {});
      await store?.close().catch(() => {});
      const kafkaEmbedded = handles.services?.kafka?.connection.broker;
      brokerStats = kafkaEmbedded
        ? {
            recordsProduced: kafkaEmbedded.stats().recordsProduced,
            storedBytes: kafkaEmbedded.stats().storedBytes,
            internalErrors: kafkaEmbedded.stats().internalErrors,
          }
        : undefined;
      await handles.services?.close();
      results = undefined;
      producer = undefined;
    },

    services() {
      return serviceInfo;
    },

    extra() {
      return {
        accounting: accounting ?? ledger.snapshot(),
        processors: processorStats,
        ...(modelStopped ? { faults: { modelServerStopped: true } } : {}),
        ...(brokerStats ? { broker: brokerStats } : {}),
        ...(autoscaler ? { autoscale: autoscaler.log } : {}),
        ...(drift ? { driftLoop: drift.report() } : {}),
      };
    },

    async stopModelServer() {
      const ms = handles.services?.modelServer;
      if (!ms || modelStopped) return;
      if (ms.mode === 'external') throw new Error('cannot stop an external model server');
      modelStopped = true;
      await ms.close();
      metrics?.counter('faults').add(1, ctx?.now() ?? 0, { fault: 'model_server_stopped' });
    },

    async killProcessor(index = 0) {
      const p = handles.processors[index] ?? handles.children[index];
      if (!p) return;
      await p.kill();
      metrics?.counter('faults').add(1, ctx?.now() ?? 0, { fault: 'processor_killed' });
    },
  };
  let brokerStats: Record<string, number> | undefined;
  return target;
}
