/**
 * The kafka and pipeline targets' default producer encodes its record batches itself and sends them over
 * @platformatic/kafka's connections (EncodedBuffer). What it writes reads back, with kafkajs and with
 * @platformatic/kafka consumers, as what the client's own encoding (its send, the idempotent path) writes
 * for the same records: keys, values, headers, partitions (Kafka's murmur2); timestamps are each batch's
 * cut time. Uncompressed and lz4.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { startBroker } from '../../../broker/index.ts';
import { openProducer, shimWithResolvers } from '../../../harness/targets/producers.ts';
import { encodedProduce, platformaticProducer } from '../../../pipeline/platformatic.ts';

interface Read {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: string;
  timestamp: number;
}

const hex = (b: Buffer | string | null | undefined) => (b == null ? 'null' : Buffer.from(b).toString('hex'));

const records = Array.from({ length: 300 }, (_, i) => ({
  key: i % 11 === 0 ? `ü${i % 37}` : `u${i % 37}`,
  value:
    i % 13 === 0 ? Buffer.from([i & 255, 0, 255]) : i % 17 === 0 ? '' : `{"id":"t${i}","m":"Café ${'x'.repeat(i)}"}`,
  ...(i % 5 === 4 ? {} : { eventId: `t${i}`, sentMs: 1_765_059_422_000 + i / 8 }),
  ...(i % 3 === 0 ? { headers: { 'pii-key-id': `k${i}`, a: 'ü' } } : {}),
}));

async function readKafkajs(kafka: kafkajs.Kafka, topic: string, n: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100 });
  const got: Read[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message: m }) => {
        const headers = Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${hex(v as Buffer)}`);
        got.push({
          partition,
          offset: Number(m.offset),
          key: hex(m.key),
          value: hex(m.value),
          headers: headers.join(','),
          timestamp: Number(m.timestamp),
        });
        if (got.length === n) resolve();
      },
    });
  });
  await consumer.disconnect();
  return got.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

async function readPlatformatic(bootstrap: string[], topic: string, n: number): Promise<Read[]> {
  const pk = await import('@platformatic/kafka');
  const consumer = new pk.Consumer({
    groupId: `p-${topic}`,
    clientId: `p-${topic}`,
    bootstrapBrokers: bootstrap,
    maxWaitTime: 100,
  });
  const stream = await consumer.consume({ autocommit: false, topics: [topic], mode: pk.MessagesStreamModes.EARLIEST });
  const got: Read[] = [];
  for await (const m of stream) {
    got.push({
      partition: m.partition,
      offset: Number(m.offset),
      key: hex(m.key as Buffer),
      value: hex(m.value as Buffer),
      headers: [...(m.headers as Map<Buffer, Buffer>)].map(([k, v]) => `${k}=${hex(v)}`).join(','),
      timestamp: Number(m.timestamp),
    });
    if (got.length === n) break;
  }
  await stream.close();
  await consumer.close();
  return got.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

for (const compression of ['none', 'lz4'] as const)
  test(`${compression}: pipelab's batches read back as the client's own, in kafkajs and platformatic`, async () => {
    shimWithResolvers();
    registerKafkajsCodecs(); // kafkajs reads lz4 through pipelab's codec
    const broker = await startBroker();
    const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topics = { encoded: `enc-${compression}`, own: `own-${compression}` };
      await admin.createTopics({
        topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 5 })),
        waitForLeaders: true,
      });
      const cut: Record<string, [number, number]> = {};
      for (const [path, topic] of Object.entries(topics)) {
        const p = await openProducer({
          client: 'platformatic',
          brokers: broker.bootstrap,
          topic,
          lingerMs: 1000,
          compression,
          idempotent: path === 'own', // the client's own encoding: it numbers idempotent records itself
          kafkajs: (g) => kafka.producer(g),
        });
        if (path === 'encoded') assert.is(p.constructor.name, 'EncodedBuffer');
        else assert.is(p.constructor.name, 'PlatformaticBuffer');
        const sends = records.map((r) => p.send(r)); // 300: one batch of 500 cut by flush below
        const before = Date.now();
        p.flush();
        cut[path] = [before, Date.now()];
        assert.ok((await Promise.all(sends)).every(Boolean));
        await p.close();
      }
      const reads: Record<string, Read[]> = {};
      for (const [path, topic] of Object.entries(topics)) {
        const byKafkajs = await readKafkajs(kafka, topic, records.length);
        const byPlatformatic = await readPlatformatic(broker.bootstrap, topic, records.length);
        assert.equal(byPlatformatic, byKafkajs, `${path}: both consumers read the same records`);
        // pipelab's stamped when the batch is cut; the client's own when it encodes (after its producer id)
        const [from, to] = cut[path]!;
        for (const r of byKafkajs)
          assert.ok(r.timestamp >= from && (path === 'own' || r.timestamp <= to), `${path}: stamped at the cut`);
        reads[path] = byKafkajs.map((r) => ({ ...r, timestamp: 0 }));
      }
      assert.equal(reads.encoded, reads.own);
      // pipelab's headers first, as text: spot-check one record against its source
      const first = reads.encoded!.find((r) => r.value === hex(records[1]!.value as string))!;
      assert.is(first.headers, `pipelab-event-id=${hex('t1')},pipelab-sent-ms=${hex('1765059422000.125')}`);
    } finally {
      await admin.disconnect();
      await broker.close();
    }
  });

test('a send with no batches settles at once; an idempotent producer gets no encoded path', async () => {
  shimWithResolvers();
  const broker = await startBroker();
  try {
    const producer = await platformaticProducer({ clientId: 'empty', brokers: broker.bootstrap });
    await broker.createTopic('empty', { partitions: 2 });
    await producer.metadata({ topics: ['empty'] });
    const out = await encodedProduce(producer, 'empty');
    assert.ok(out, 'the client exports what the encoded path needs');
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      out!.send([]).then(() => 'sent'),
      new Promise((r) => {
        timer = setTimeout(() => r('pending'), 2000);
      }),
    ]);
    clearTimeout(timer);
    assert.is(settled, 'sent');
    await out!.close();
    // an idempotent producer numbers its records itself: no encoded path over it
    const idem = await platformaticProducer({ clientId: 'idem', brokers: broker.bootstrap, idempotent: true });
    await idem.metadata({ topics: ['empty'] });
    assert.is(await encodedProduce(idem, 'empty'), undefined);
    await idem.close();
  } finally {
    await broker.close();
  }
});

test.run();
