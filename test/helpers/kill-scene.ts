/**
 * The set-up of the stream processor's kill tests (exactly-once.test.ts, state.test.ts): a victim
 * that crashes mid-chunk, a survivor, a read_committed watcher and a producer on an embedded broker.
 * Its own file, not processor.ts, so that the suites importing only processor.ts's small helpers do
 * not load the broker and the processor.
 */
import kafkajs from 'kafkajs';
import { startBroker } from '../../broker/index.ts';
import { MemoryFeatureStore } from '../../pipeline/features/memory.ts';
import type { Guarantee } from '../../pipeline/processor/exactly-once.ts';
import { type ProcessorOptions, type Scorer, StreamProcessor } from '../../pipeline/processor/index.ts';
import { ensureTopics } from '../../pipeline/topics.ts';
import { crashOnCall, stubScorer } from './processor.ts';

/**
 * An embedded broker (sessions from 100 ms) with the pipeline's topics on 4 partitions; a victim
 * that crashes while scoring its `crashAt`-th chunk and a survivor, each with its own in-memory
 * feature store, no compression, chunks of 50, a 1.5 s session and rebalance timeout, 100 ms
 * heartbeats and no lag reports, plus `processor` (the guarantee, and whatever else the test sets);
 * a read_committed watcher in group `watchGroup` (fetch wait 20 ms) and a producer, neither
 * connected. `close()` ends them all, in that order: watcher, producer, survivor, victim, broker.
 */
export async function killScene(o: {
  crashAt: number;
  watchGroup: string;
  processor: Partial<ProcessorOptions> & { guarantee: Guarantee };
}) {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 4 });
  const mk = (id: string, model: Scorer) =>
    new StreamProcessor({
      brokers: broker.bootstrap,
      store: new MemoryFeatureStore(),
      model,
      compression: 'none',
      id,
      chunkSize: 50,
      sessionTimeoutMs: 1500,
      heartbeatIntervalMs: 100,
      rebalanceTimeoutMs: 1500,
      lagEveryMs: 0,
      ...o.processor,
    });
  const { victim, killed } = crashOnCall(o.crashAt, (model) => mk('victim', model));
  const survivor = mk('survivor', stubScorer());
  // read_committed, explicitly (kafkajs's default too)
  const watcher = kafka.consumer({ groupId: o.watchGroup, maxWaitTimeInMs: 20, readUncommitted: false });
  const producer = kafka.producer();
  const close = async () => {
    await watcher.disconnect();
    await producer.disconnect();
    await survivor.stop();
    await victim.kill();
    await broker.close();
  };
  return { broker, victim, killed, survivor, watcher, producer, close };
}
