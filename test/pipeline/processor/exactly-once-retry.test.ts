/**
 * kafkajs 2.2.4's produce retry, and the exactly-once sink that steps around it (complete-send.ts):
 * when one broker of a send fails, kafkajs retries every broker that has not answered yet, also one
 * whose request is still in flight, with that partition's next sequence numbers, so the broker
 * appends its records a second time and a transaction commits both copies. Found as 52 decisions
 * written twice in one committed transaction when the eos-proof scenario SIGKILLed a broker.
 *
 * On the embedded 3-node broker (one shared state, so only the hooks fail anything): out/0 is led by
 * node 0, out/1 by node 1. Node 0 holds its first produce request 500 ms; node 1 closes the
 * connection of its first one. kafkajs then asks a connected broker for metadata, picked at random:
 * node 2 answers at once and the retry goes out while node 0's request is in flight (the hazard);
 * node 0 answers after its held request, too late to matter. Each attempt is one committed
 * transaction of 5 records to each of out/0 and out/1, read back read_committed. Counts only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs, { type Kafka } from 'kafkajs';
import { type Broker, startBroker } from '../../../broker/index.ts';
import { TransactionalSink } from '../../../pipeline/processor/exactly-once.ts';
import { type Read, readAll } from '../../helpers/processor.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka: KafkaClient, logLevel } = kafkajs;
const OUT = 'out';
const HELD_MS = 500;
/** attempts until the hazard showed (metadata from node 2: one chance in two each) */
const MAX_ATTEMPTS = 16;

let broker: Broker;
let kafka: Kafka;
test.before(async () => {
  broker = await startBroker({ brokers: 3, processes: false });
  kafka = new KafkaClient({
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 30, maxRetryTime: 200 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: OUT, numPartitions: 3 }, { topic: 'in' }] });
  const { topics } = await admin.fetchTopicMetadata({ topics: [OUT] });
  await admin.disconnect();
  const leaders = topics[0]!.partitions.map((p) => [p.partitionId, p.leader]).sort((a, b) => a[0]! - b[0]!);
  assert.equal(leaders, [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
});
test.after(async () => {
  await broker.close();
});

const records = (tag: string) =>
  [0, 1].flatMap((partition) =>
    Array.from({ length: 5 }, (_, i) => ({ partition, value: `${tag}-p${partition}-${i}` })),
  );

/**
 * One attempt: `warm` connects the producer to every node (a committed record on out/2), then the
 * hooks are armed and `send` writes records(tag) in one transaction. Whether the retry to node 1
 * went out while node 0's request was held
 */
async function attempt(warm: () => Promise<void>, send: () => Promise<void>): Promise<boolean> {
  await warm();
  let heldAt = 0;
  let closed = false;
  let retriedAt = 0;
  const hook = broker.control(0, (r) => {
    if (r.node === 0 && !heldAt) {
      heldAt = Date.now();
      return { delayMs: HELD_MS };
    }
    if (r.node === 1 && !closed) {
      closed = true;
      return { close: true };
    }
    if (r.node === 1 && !retriedAt) retriedAt = Date.now();
    return undefined;
  });
  try {
    await send();
  } finally {
    hook.remove();
  }
  assert.ok(heldAt > 0 && closed && retriedAt > 0, 'node 0 held a request, node 1 closed one and got the retry');
  return retriedAt - heldAt < HELD_MS;
}

/**
 * how many times each value of out/0 and out/1 was committed, read until every record of `tags` arrived (a count
 * alone could be reached by earlier attempts' records before a partition was fetched at all)
 */
async function committed(tags: string[]): Promise<Map<string, number>> {
  const want = tags.flatMap((t) => records(t).map((r) => r.value));
  const arrived = (r: Read) => {
    const seen = new Set(r.map(({ m }) => m.value?.toString()));
    return want.every((v) => seen.has(v));
  };
  const got = await readAll(kafka, [OUT], arrived);
  await new Promise((r) => setTimeout(r, 200));
  const all = await readAll(kafka, [OUT], (r) => r.length >= got.length);
  const n = new Map<string, number>();
  for (const { m } of all) {
    const v = m.value!.toString();
    if (!v.startsWith('warm')) n.set(v, (n.get(v) ?? 0) + 1);
  }
  return n;
}

test('kafkajs alone: a send over two brokers writes the in-flight partition twice when the other fails', async () => {
  const producer = kafka.producer({ transactionalId: 'plain', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const inTx = async (fn: (tx: Awaited<ReturnType<typeof producer.transaction>>) => Promise<unknown>) => {
    const tx = await producer.transaction();
    await fn(tx);
    await tx.commit();
  };
  let tag = '';
  for (let i = 0; i < MAX_ATTEMPTS && !tag; i++) {
    const hazard = await attempt(
      () => inTx((tx) => tx.send({ topic: OUT, messages: [{ partition: 2, value: 'warm' }] })),
      () => inTx((tx) => tx.sendBatch({ acks: -1, topicMessages: [{ topic: OUT, messages: records(`plain${i}`) }] })),
    );
    if (hazard) tag = `plain${i}`;
  }
  await producer.disconnect();
  assert.ok(tag, `the hazard did not show in ${MAX_ATTEMPTS} attempts`);
  const n = await committed([tag]);
  // the in-flight partition twice, the failed one once: what the sink below must not do
  assert.is(n.get(`${tag}-p0-0`), 2);
  assert.is(n.get(`${tag}-p1-0`), 1);
});

test('the exactly-once sink sends each partition on its own: every record committed once', async () => {
  const sink = new TransactionalSink(kafka, 'retry-g', 'none');
  const tags: string[] = [];
  let hazards = 0;
  for (let i = 0; i < MAX_ATTEMPTS && hazards < 2; i++) {
    tags.push(`sink${i}`);
    const out = (messages: Array<{ partition: number; value: string }>) => [{ topic: OUT, messages }];
    const hazard = await attempt(
      () => sink.commit('in', 0, out([{ partition: 2, value: 'warm' }]), 2 * i + 1),
      () => sink.commit('in', 0, out(records(`sink${i}`)), 2 * i + 2),
    );
    if (hazard) hazards++;
  }
  await sink.close();
  assert.is(hazards, 2, `the hazard showed ${hazards} times in ${MAX_ATTEMPTS} attempts`);
  const n = await committed(tags);
  for (const tag of tags)
    for (const partition of [0, 1])
      for (let i = 0; i < 5; i++) assert.is(n.get(`${tag}-p${partition}-${i}`), 1, `${tag}-p${partition}-${i}`);
  assert.is(sink.counts.failed, 0);
});

test.run();
