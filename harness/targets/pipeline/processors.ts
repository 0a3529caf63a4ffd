/**
 * The stream processors the target runs: `pipelab process` children (processorMode 'child') or
 * in-process StreamProcessor instances of one consumer group.
 */
import type { Broker } from '../../../broker/index.ts';
import type { KafkaClientSecurity } from '../../../pipeline/kafka-security.ts';
import type { ModelClient } from '../../../pipeline/model-server/client.ts';
import type { FeatureStore } from '../../../pipeline/features/store.ts';
import type { PiiKeyring } from '../../../pipeline/pii/keys.ts';
import { StreamProcessor } from '../../../pipeline/processor/index.ts';
import { parseDuration } from '../../../results/duration.ts';
import type { TargetContext } from '../api.ts';
import { startChildProcessor, type ChildProcessor, type ChildProcessorOptions } from './children.ts';
import type { DriftLoopHandle } from './drift.ts';
import type { Config, PIPELINE_TARGET_DEFAULTS } from './schema.ts';

export const PROCESSOR_GROUP = 'pipelab-processor';

type Options = typeof PIPELINE_TARGET_DEFAULTS & Config;

/** where a child processor connects (the fault proxies' addresses when faults name those services) */
export interface ChildEndpoints {
  brokers: string[];
  security?: KafkaClientSecurity;
  modelServerUrl: string;
  redisUrl: string | undefined;
}

/** one child processor of the group (also a replacement after a fault took one down) */
export function startChild(
  o: Options,
  at: ChildEndpoints,
  embedded: boolean,
  pii?: { keyFile?: string | undefined; audit: boolean },
): Promise<ChildProcessor> {
  return startChildProcessor(childOptions(o, at, embedded, pii));
}

/** what a child processor is started with: the target's options that `pipelab process` takes as flags */
export function childOptions(
  o: Options,
  at: ChildEndpoints,
  embedded: boolean,
  pii?: { keyFile?: string | undefined; audit: boolean },
): ChildProcessorOptions {
  return {
    ...at,
    group: PROCESSOR_GROUP,
    compression: o.compression,
    guarantee: o.guarantee,
    sessionTimeoutMs: embedded ? 3000 : undefined,
    window: o.window,
    allowedLateness: o.allowedLateness,
    checkpointInterval: o.checkpointInterval,
    userEvents: !!o.userEvents,
    fetchMinBytes: o.fetchMinBytes,
    fetchMaxWaitMs: o.fetchMaxWaitMs,
    maxInFlight: o.maxInFlight,
    pii,
  };
}

/** starts `o.processors` children; if any fails the started ones are returned for teardown, then it throws */
export async function startChildren(
  o: Options,
  at: ChildEndpoints,
  embedded: boolean,
  into: ChildProcessor[],
  pii: { keyFile?: string | undefined; audit: boolean } | undefined,
): Promise<void> {
  const started = await Promise.allSettled(
    Array.from({ length: o.processors }, () => startChild(o, at, embedded, pii)),
  );
  for (const r of started) if (r.status === 'fulfilled') into.push(r.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export interface ProcessorDeps {
  brokers: string[];
  security?: KafkaClientSecurity;
  store: FeatureStore;
  model: ModelClient;
  drift: DriftLoopHandle | undefined;
  embedded: Broker | undefined;
  tc: TargetContext;
  pii: { keys: PiiKeyring; audit: boolean } | undefined;
}

/** a factory of in-process instances: instance i is `processor-<i+1>`; only the first samples the group's lag */
export function processorFactory(o: Options, c: Config, deps: ProcessorDeps): (i: number) => StreamProcessor {
  const { brokers, security, store, model, drift, embedded, tc, pii } = deps;
  return (i) =>
    new StreamProcessor({
      brokers,
      security,
      store,
      model: drift ? drift.tap(model) : model,
      groupId: PROCESSOR_GROUP,
      id: `processor-${i + 1}`,
      compression: o.compression,
      guarantee: o.guarantee,
      windows: {
        sizeMs: c.window ? parseDuration(c.window) : undefined,
        allowedLatenessMs: c.allowedLateness ? parseDuration(c.allowedLateness) : undefined,
      },
      checkpointIntervalMs: c.checkpointInterval === undefined ? undefined : parseDuration(c.checkpointInterval),
      maxInFlight: o.maxInFlight,
      fetchMinBytes: o.fetchMinBytes,
      fetchMaxWaitMs: o.fetchMaxWaitMs,
      ...(c.userEvents ? { userEvents: true } : {}),
      metrics: tc.metrics,
      now: () => tc.now(),
      // the replicated cluster's groups live in its node processes: no lag from here
      lag: embedded && !embedded.replication ? () => embedded.lag(PROCESSOR_GROUP).total : undefined,
      // only the first instance samples lag (it is the group's, not the instance's)
      lagEveryMs: i === 0 ? 1000 : 0,
      sessionTimeoutMs: embedded ? 3000 : undefined,
      heartbeatIntervalMs: embedded ? 300 : undefined,
      ...(pii ? { pii: { keys: pii.keys }, audit: pii.audit } : {}),
    });
}
