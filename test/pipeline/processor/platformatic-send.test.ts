/**
 * The processor's result sink through @platformatic/kafka (PlatformaticSender) writes what kafkajs writes: the same
 * results sent both ways land on the same partitions with the same keys, values and headers, byte for byte, for
 * string keys (placed from pipelab's key cache), Buffer keys (a dead letter's input key) and an explicit partition.
 * Its encoded path (batches pipelab writes, sent over the client's connections) against the client's own encoding,
 * lz4 and several topics in one send, null values; a result with neither key nor partition goes the client's way.
 * A partition that is no index fails the whole send before any of its records is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { Message } from 'kafkajs';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { startBroker } from '../../../broker/index.ts';
import { PlatformaticSender } from '../../../pipeline/processor/platformatic-send.ts';

const { Kafka, logLevel } = kafkajs;

/** results as a processor makes them: string and Buffer keys and header values, a few keys repeated */
function results(): Message[] {
  const out: Message[] = [];
  const users = ['u1', 'ü2', '日本語キー', 'u90150', '', ...Array.from({ length: 60 }, (_, i) => `u${i * 7919}`)];
  for (let i = 0; i < 300; i++) {
    const userId = users[i % users.length] as string;
    out.push({
      key: i % 10 === 9 ? Buffer.from(`raw-${i % 13}`) : userId,
      value: `{"eventId":"e${i}","userId":"${userId}","score":${i / 300}}`,
      headers: { 'pipelab-event-id': Buffer.from(`e${i}`), 'pipelab-source-offset': String(i) },
    });
  }
  out.push({ key: 'u1', value: 'to partition 5', partition: 5 });
  return out;
}

/** every record of a topic, per partition in offset order: key, value and headers as hex */
async function readAll(kafka: InstanceType<typeof Kafka>, topic: string, n: number): Promise<string[][]> {
  const parts: string[][] = Array.from({ length: 12 }, () => []);
  const c = kafka.consumer({ groupId: `read-${topic}`, maxWaitTimeInMs: 20 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await c.run({
    eachMessage: async ({ partition, message: m }) => {
      const h = Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${(v as Buffer).toString('hex')}`);
      parts[partition]!.push(`${m.key?.toString('hex') ?? 'null'} ${m.value?.toString('hex')} ${h.join(',')}`);
      if (++got === n) done();
    },
  });
  await all;
  await c.disconnect();
  return parts;
}

test('PlatformaticSender writes the same records to the same partitions as kafkajs', async () => {
  const broker = await startBroker({ defaultPartitions: 12 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const sender = new PlatformaticSender('none');
  const producer = kafka.producer();
  try {
    await admin.connect();
    const topics = ['via-platformatic', 'via-kafkajs'];
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 12 })), waitForLeaders: true });
    await sender.connect({ clientId: 'test', brokers: broker.bootstrap }, topics);
    await producer.connect();
    const msgs = results();
    // twice through the sender: the second time every string key comes from its cache
    await sender.send([{ topic: 'via-platformatic', messages: msgs.slice(0, 150) }]);
    await sender.send([{ topic: 'via-platformatic', messages: msgs.slice(150) }]);
    await producer.send({ topic: 'via-kafkajs', acks: -1, messages: msgs.slice(0, 150) });
    await producer.send({ topic: 'via-kafkajs', acks: -1, messages: msgs.slice(150) });
    const a = await readAll(kafka, 'via-platformatic', msgs.length);
    const b = await readAll(kafka, 'via-kafkajs', msgs.length);
    assert.equal(a, b);
    assert.ok(a.filter((p) => p.length > 0).length >= 10, 'spread over the partitions');
  } finally {
    await sender.close();
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});

test("the encoded path writes what the client's own encoding does: lz4, topics side by side, null values", async () => {
  registerKafkajsCodecs(); // the reader's lz4
  const broker = await startBroker({ defaultPartitions: 12 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const encoded = new PlatformaticSender('lz4');
  const client = new PlatformaticSender('lz4', false);
  try {
    await admin.connect();
    const names = ['enc-a', 'enc-b', 'cli-a', 'cli-b', 'keyless'];
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 12 })), waitForLeaders: true });
    await Promise.all([
      encoded.connect({ clientId: 'enc', brokers: broker.bootstrap }, names),
      client.connect({ clientId: 'cli', brokers: broker.bootstrap }, names),
    ]);
    const msgs = results().map((m, i) => (i % 17 === 3 ? { ...m, value: null } : m));
    const a = msgs.slice(0, 200);
    const b = msgs.slice(200);
    for (const [sender, x, y] of [
      [encoded, 'enc-a', 'enc-b'],
      [client, 'cli-a', 'cli-b'],
    ] as const) {
      await sender.send([
        { topic: x, messages: a.slice(0, 100) },
        { topic: y, messages: b },
      ]);
      await sender.send([{ topic: x, messages: a.slice(100) }]);
    }
    assert.equal(await readAll(kafka, 'enc-a', a.length), await readAll(kafka, 'cli-a', a.length));
    assert.equal(await readAll(kafka, 'enc-b', b.length), await readAll(kafka, 'cli-b', b.length));
    // no key, no partition: the client's partitioner places it (the whole send goes the client's way)
    await encoded.send([{ topic: 'keyless', messages: [{ key: null, value: 'v' }, ...a.slice(0, 5)] }]);
    assert.is((await readAll(kafka, 'keyless', 6)).flat().length, 6);
  } finally {
    await Promise.all([encoded.close(), client.close()]);
    await admin.disconnect();
    await broker.close();
  }
});

test('a partition that is no index fails the send at once, none of its records left for a later send', async () => {
  const broker = await startBroker({ defaultPartitions: 3 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const sender = new PlatformaticSender('none');
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bad-partition', numPartitions: 3 }], waitForLeaders: true });
    await sender.connect({ clientId: 'test', brokers: broker.bootstrap }, ['bad-partition']);
    const before = [0, 1, 2].map((i) => ({ key: `u${i}`, value: `before ${i}` }));
    for (const partition of [-1, 1.5]) {
      const messages = [...before, { key: 'u9', value: 'bad', partition }, { key: 'u3', value: 'after' }];
      const e = await sender.send([{ topic: 'bad-partition', messages }]).then(
        () => undefined,
        (err: Error) => err,
      );
      assert.ok(e?.message.includes(`partition is ${partition}: give an integer ≥ 0`), String(e));
    }
    await sender.send([{ topic: 'bad-partition', messages: [{ key: 'u4', value: 'good' }] }]);
    // one record in the topic: the failed sends' records were not left in their batches
    const offsets = await admin.fetchTopicOffsets('bad-partition');
    assert.is(
      offsets.reduce((n, o) => n + Number(o.high), 0),
      1,
    );
    const got = (await readAll(kafka, 'bad-partition', 1)).flat();
    assert.is(Buffer.from(got[0]?.split(' ')[1] as string, 'hex').toString(), 'good');
  } finally {
    await sender.close();
    await admin.disconnect();
    await broker.close();
  }
});

test.run();
