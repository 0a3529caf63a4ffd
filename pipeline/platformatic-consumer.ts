/**
 * A @platformatic/kafka group consumer as pipelab reads with it (the results observer,
 * harness/targets/pipeline/observer.ts): its messages handed on in batches, one per result
 * partition and fetch, shaped as kafkajs's eachBatch gives them (offsets, values as bytes, headers
 * by name), so one reader serves both clients. Node 20 gets Promise.withResolvers (platformatic.ts).
 *
 * The client delivers a fetch's messages one by one as a stream; they are gathered and handed on
 * once the fetch's messages are all out (the next tick), so a batch is what one fetch returned.
 * Under read_committed the client drops aborted transactions' records (by the fetch's
 * aborted_transactions) and the control records; only committed records arrive.
 */
import type { IHeaders } from 'kafkajs';
import type { KafkaClientSecurity } from './kafka-security.ts';
import { platformaticSecurity } from './kafka-security.ts';
import { shimWithResolvers } from './platformatic.ts';

/** one record as kafkajs's eachBatch gives it, as much of it as a reader takes */
export interface ConsumedRecord {
  offset: bigint | string;
  value: Buffer | null | undefined;
  headers?: IHeaders | undefined;
}

/** the records one fetch returned from one partition, in offset order */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedRecord[];
}

export interface BatchConsumerOptions {
  clientId: string;
  groupId: string;
  brokers: string[];
  security?: KafkaClientSecurity | undefined;
  topics: string[];
  /** a partition the group never committed is read from its start (else from its end) */
  fromBeginning: boolean;
  /** read_committed: only committed transactions' records (Kafka's isolation level 1) */
  readCommitted: boolean;
  maxWaitTime: number;
  /** bytes a fetch waits for, up to maxWaitTime (1: the first record answers it) */
  minBytes: number;
  maxBytes: number;
  sessionTimeout: number;
  heartbeatInterval: number;
}

export interface BatchConsumer {
  /** stop fetching and leave the group; every batch fetched before is handed on first */
  close(): Promise<void>;
}

/** a message's headers by name, as kafkajs gives them: a value, or the values of a repeated name */
function headersOf(entries: Array<[string, Buffer]>): IHeaders {
  const h: IHeaders = {};
  for (const [k, v] of entries) {
    const was = h[k];
    h[k] = was === undefined ? v : Array.isArray(was) ? [...was, v] : [was as Buffer, v];
  }
  return h;
}

const nameOf = (b?: Buffer) => b?.toString('utf8') ?? '';
const bytes = (b?: Buffer) => b;

/**
 * A group consumer running, `onBatch` called with each fetch's records per partition; resolves once the group was
 * joined. Offsets are committed as they are handed on. A stream that fails is opened again from the committed
 * offsets (up to 8 times in a row), as kafkajs restarts its consumer: a reader drops what it sees twice.
 */
export async function platformaticBatches(
  o: BatchConsumerOptions,
  onBatch: (batch: ConsumedBatch) => void,
): Promise<BatchConsumer> {
  shimWithResolvers();
  const pk = await import('@platformatic/kafka');
  const consumer = new pk.Consumer<Buffer | undefined, Buffer | undefined, string, Buffer | undefined>({
    clientId: o.clientId,
    groupId: o.groupId,
    bootstrapBrokers: o.brokers,
    sessionTimeout: o.sessionTimeout,
    rebalanceTimeout: Math.max(o.sessionTimeout, 10_000),
    heartbeatInterval: o.heartbeatInterval,
    // headers by name, values as bytes (the reader decodes the few it needs); key and value kept as bytes
    deserializers: { key: bytes, value: bytes, headerKey: nameOf, headerValue: bytes },
    ...platformaticSecurity(o.security),
  });
  const pending = new Map<string, ConsumedBatch>();
  const flush = () => {
    const batches = [...pending.values()];
    pending.clear();
    for (const b of batches) onBatch(b);
  };
  type Msg = { topic: string; partition: number; offset: bigint; value?: Buffer; headerEntries: [string, Buffer][] };
  const take = (m: Msg) => {
    const k = `${m.topic}/${m.partition}`;
    let b = pending.get(k);
    if (!b) {
      if (pending.size === 0) process.nextTick(flush);
      b = { topic: m.topic, partition: m.partition, messages: [] };
      pending.set(k, b);
    }
    b.messages.push({ offset: m.offset, value: m.value, headers: headersOf(m.headerEntries) });
  };
  let closing = false;
  let stream: { close(): Promise<void> } | undefined;
  let reopening: Promise<void> | undefined;
  let failures = 0;
  const open = async (): Promise<void> => {
    const s = await consumer.consume({
      topics: o.topics,
      mode: 'committed',
      fallbackMode: o.fromBeginning ? 'earliest' : 'latest',
      isolationLevel: o.readCommitted
        ? pk.FetchIsolationLevels.READ_COMMITTED
        : pk.FetchIsolationLevels.READ_UNCOMMITTED,
      maxWaitTime: o.maxWaitTime,
      maxBytes: o.maxBytes,
      minBytes: o.minBytes,
      autocommit: true,
    });
    if (closing) return void (await s.close().catch(() => {}));
    stream = s;
    s.on('data', (m) => {
      failures = 0;
      take(m as Msg);
    });
    s.on('error', (e: Error) => {
      if (closing || s !== stream) return;
      if (++failures > 8) return process.emitWarning(`the results consumer stopped: ${e.message}`);
      setTimeout(() => {
        if (!closing) reopening = open().catch(() => {});
      }, 100 * failures).unref();
    });
  };
  await open();
  return {
    close: async () => {
      closing = true;
      await reopening;
      await stream?.close().catch(() => {});
      flush();
      await consumer.close().catch(() => {});
    },
  };
}
