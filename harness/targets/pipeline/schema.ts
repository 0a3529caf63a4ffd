/**
 * The `pipeline` target's scenario block (validated before any load starts), its defaults, and
 * the handle tests and notebooks get back from createPipelineTarget.
 */
import { z } from 'zod';
import type { Compression } from '../../../pipeline/topics.ts';
import type { StreamProcessor } from '../../../pipeline/processor/index.ts';
import {
  enumOf,
  nonNegativeInt,
  positiveDuration,
  duration,
  positiveInt,
  probability,
  strictObject,
  nonNegativeNumber,
} from '../../config/fields.ts';
import type { ResolvedServices } from '../../services/index.ts';
import type { Target } from '../api.ts';
import type { EventLedger } from './accounting.ts';
import { autoscaleSchema } from './autoscale.ts';
import { userEventsSchema } from './user-events.ts';
import type { ChildProcessor } from './children.ts';

const COMPRESSIONS = ['lz4', 'snappy', 'gzip', 'none'] as const;

export const schema = strictObject({
  type: z.literal('pipeline'),
  /** stream processor instances started in this process (one consumer group); 0 = they run elsewhere */
  processors: nonNegativeInt().optional(),
  /**
   * 'in-process' (default): processors share this process; 'child': each is a `pipelab process` child (other cores, a
   * kill is a real SIGKILL)
   */
  processorMode: enumOf(['in-process', 'child'] as const).optional(),
  /**
   * broker nodes of the embedded Kafka (default 1, in process); 2 or more: the replicated cluster, one OS process
   * per node, replication factor min(3, brokers), so broker faults (kill, role: leader/controller) and kafka network
   * faults apply (docs/faults.md)
   */
  brokers: z.number().int().min(1).max(16).optional(),
  /** with brokers ≥ 2: the cluster's min.insync.replicas (default min(2, brokers)) */
  minInsyncReplicas: positiveInt().optional(),
  /** partitions of the pipeline's topics when this run creates them (default: the declared 12) */
  partitions: positiveInt().optional(),
  /**
   * how long the pipeline's topics keep records when this run creates them (retention.ms, with segment.ms a quarter
   * of it so old segments roll and go): a soak's broker log then stops growing (default: the declared 1–7 days)
   */
  retention: positiveDuration().optional(),
  compression: enumOf(COMPRESSIONS).optional(),
  /**
   * 'at-least-once' (default): a crash redelivers a chunk (duplicates counted); 'exactly-once': each chunk's
   * results and consumed offsets in one Kafka transaction, downstream reads committed (docs/pipeline.md)
   */
  guarantee: enumOf(['at-least-once', 'exactly-once'] as const).optional(),
  /** the client producing the transactions: @platformatic/kafka (default, faster by measurement) or kafkajs */
  producerClient: enumOf(['platformatic', 'kafkajs'] as const).optional(),
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
  /**
   * the embedded model server on a worker thread of its own (another core; the same HTTP interface on loopback, as a
   * model server of its own would be) instead of this process's main thread; not with driftLoop, which changes the
   * server's versions and routes through its objects (docs/pipeline.md)
   */
  modelServerThread: z.boolean().optional(),
  /**
   * the results observer (the consumer of the pipeline's outputs that books and times every event) on a worker
   * thread of its own, so it neither queues behind nor slows the pipeline it measures on the main thread (default
   * false: on the main thread; docs/pipeline.md)
   */
  observerThread: z.boolean().optional(),
  /** the client the results observer consumes with: kafkajs (default) or @platformatic/kafka (docs/pipeline.md) */
  observerClient: enumOf(['platformatic', 'kafkajs'] as const).optional(),
  modelBatchSize: positiveInt().optional(),
  modelMaxWaitMs: nonNegativeNumber().optional(),
  /**
   * the user-behaviour step: `share` of the iterations send a user event (sessions) to user-events instead of a
   * transaction, windowed per user by the processors; `disorder` makes some late (docs/pipeline.md)
   */
  userEvents: userEventsSchema.optional(),
  /** tumbling window size and allowed lateness (defaults 5m, 1m) */
  window: positiveDuration().optional(),
  allowedLateness: duration().optional(),
  /** how often the processors checkpoint window and dedup state to their changelog (default 5s; docs/pipeline.md) */
  checkpointInterval: duration().optional(),
  /** how long teardown waits for outstanding results before counting them missing (default 15s) */
  drainTimeout: positiveDuration().optional(),
  /** producer linger: records gathered into one send (default 2 ms) */
  lingerMs: nonNegativeNumber().optional(),
  /** records fetched but unacknowledged before a processor pauses partitions */
  maxInFlight: positiveInt().optional(),
  /**
   * bytes a fetch of the processors (in process or child: `pipelab process --fetch-min-bytes`) and of the results
   * observer waits for (default 64 KiB), and for how long at most (default 20 ms); docs/pipeline.md, "Fetch min bytes"
   */
  fetchMinBytes: positiveInt().optional(),
  fetchMaxWaitMs: positiveInt().optional(),
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
  /**
   * PII protection (docs/security.md): the processors encrypt the PII fields of decisions and dead letters with the
   * last key of `keyFile` (else the keys in PIPELAB_PII_KEY) and write an audit record per data access (`audit`,
   * default true); the report's dead-letter samples show them masked
   */
  pii: strictObject({ keyFile: z.string().min(1).optional(), audit: z.boolean().optional() }).optional(),
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
  if (c.driftLoop && c.modelServerThread)
    ctx.addIssue({
      code: 'custom',
      path: ['modelServerThread'],
      message: 'not with driftLoop: the loop adds versions and changes routes through the server on this thread',
    });
  if (c.faults?.stopModelServerAt !== undefined && (c.processors ?? 1) < 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['faults', 'stopModelServerAt'],
      message: 'needs in-process processors (processors ≥ 1)',
    });
  }
  if (c.autoscale && (c.brokers ?? 1) > 1)
    ctx.addIssue({
      code: 'custom',
      path: ['autoscale'],
      message: 'reads the group lag from the in-process broker: not with brokers ≥ 2',
    });
  if (c.minInsyncReplicas !== undefined && c.minInsyncReplicas > Math.min(3, c.brokers ?? 1))
    ctx.addIssue({
      code: 'custom',
      path: ['minInsyncReplicas'],
      message: `must be ≤ the replication factor min(3, brokers) = ${Math.min(3, c.brokers ?? 1)}`,
    });
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
  producerClient: 'platformatic' as 'platformatic' | 'kafkajs',
  guarantee: 'at-least-once' as 'at-least-once' | 'exactly-once',
  observerThread: false,
  observerClient: 'kafkajs' as 'platformatic' | 'kafkajs',
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
