/**
 * BatchAcks: the iterations of one producer batch share one outcome, and the batch settles its
 * records' books once, with every record's id and intended send time in send order. Both
 * producing clients put a key on the same partition (Kafka's murmur2 partitioner) and write the same
 * record bytes: value, pipelab's headers (event id, sent time) first, then the record's own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { clusterOf, startBroker } from '../../../broker/index.ts';
import { BatchAcks, openProducer, shimWithResolvers } from '../../../harness/targets/producers.ts';

function deferred(): { promise: Promise<boolean>; resolve: (ok: boolean) => void } {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('records of one batch share one outcome; each batch settles once with its ids and times', async () => {
  const settled: { ids: string[]; at: number[]; ok: boolean }[] = [];
  const acks = new BatchAcks((ids, at, ok) => settled.push({ ids: [...ids], at: [...at], ok }));
  const first = deferred();
  const second = deferred();
  const a = acks.track(first.promise, 'a', 1);
  const b = acks.track(first.promise, 'b', 2);
  const c = acks.track(second.promise, 'c', 3);
  assert.is(a, b);
  assert.is.not(a, c);
  second.resolve(false);
  first.resolve(true);
  assert.equal((await a).ok, true);
  assert.equal((await c).ok, false);
  assert.equal(
    settled.sort((x, y) => x.ids[0]!.localeCompare(y.ids[0]!)),
    [
      { ids: ['a', 'b'], at: [1, 2], ok: true },
      { ids: ['c'], at: [3], ok: false },
    ],
  );
});

test('trackCallback: each iteration of a batch is told its outcome once, after the batch settled', async () => {
  const log: string[] = [];
  const acks = new BatchAcks((ids, _at, ok) => log.push(`settle ${ids.join(',')} ${ok}`));
  const first = deferred();
  const second = deferred();
  for (const id of ['a', 'b']) acks.trackCallback(first.promise, id, 0, (o) => log.push(`${id} ${o.ok}`));
  acks.trackCallback(second.promise, 'c', 0, (o) => log.push(`c ${o.ok}`));
  const d = acks.track(second.promise, 'd'); // the promise form in the same batch
  second.resolve(false);
  first.resolve(true);
  assert.is((await d).ok, false);
  await first.promise;
  await new Promise((r) => setImmediate(r));
  assert.equal(log, ['settle c,d false', 'c false', 'settle a,b true', 'a true', 'b true']);
});

test('platformatic and kafkajs producers send a key to the same partition, as a Java producer would', async () => {
  const broker = await startBroker({ defaultPartitions: 12 });
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const counts: Record<string, number[]> = {};
    for (const client of ['platformatic', 'kafkajs'] as const) {
      const topic = `keys-${client}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true });
      const p = await openProducer({
        client,
        brokers: broker.bootstrap,
        topic,
        lingerMs: 1,
        kafkajs: (given) => kafka.producer(given),
      });
      // 300 keys, each sent as many times as its number: per-partition counts tell the key mapping apart
      const sends: Promise<boolean>[] = [];
      for (let k = 1; k <= 300; k++)
        for (let n = 0; n < (k % 7) + 1; n++) sends.push(p.send({ key: `u${k}`, value: 'x' }));
      p.flush();
      assert.ok((await Promise.all(sends)).every(Boolean));
      await p.close();
      const offsets = await admin.fetchTopicOffsets(topic);
      counts[client] = offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
    }
    assert.equal(counts.platformatic, counts.kafkajs);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

test("both clients write a record's value and headers as the same bytes, pipelab's headers first", async () => {
  shimWithResolvers();
  const pk = await import('@platformatic/kafka');
  const broker = await startBroker();
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  const records: {
    key: string;
    value: string | Buffer;
    eventId?: string;
    sentMs?: number;
    headers?: Record<string, string>;
  }[] = [
    { key: 'u1', value: '{"id":"t1a.k3-1","amount":12.5}', eventId: 't1a.k3-1', sentMs: 1765059422123.4568 },
    { key: 'ü2', value: `{"merchant":"Café ${'x'.repeat(80)}"}`, eventId: 't1a.k3-2', sentMs: 1765059422124.0625 },
    {
      key: 'u3',
      value: 'x',
      eventId: 'é-3',
      sentMs: 1765059422125 + 4094 / 4096, // .9995117…: rounds up to the next ms
      headers: { 'pii-key-id': 'k1', a: 'ü' },
    },
    { key: 'u4', value: Buffer.from([0, 255, 7]), headers: { only: 'these' } },
    { key: 'u5', value: '' },
  ];
  const wire: Record<string, string[]> = {};
  try {
    await admin.connect();
    for (const client of ['platformatic', 'kafkajs'] as const) {
      const topic = `bytes-${client}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const p = await openProducer({
        client,
        brokers: broker.bootstrap,
        topic,
        lingerMs: 1,
        kafkajs: (g) => kafka.producer(g),
      });
      const sends = records.map((r) => p.send(r));
      p.flush();
      assert.ok((await Promise.all(sends)).every(Boolean));
      await p.close();
      const log = clusterOf(broker).topics.get(topic)!.partitions[0]!.log;
      wire[client] = log
        .read(0, 1 << 20)
        .batches.flatMap((b) => pk.readRecordsBatch(pk.Reader.from(b)).records)
        .map((r) => JSON.stringify([r.key, r.value, r.headers].map((x) => JSON.stringify(x))));
    }
    assert.equal(wire.platformatic, wire.kafkajs);
    const first = pk.readRecordsBatch(
      pk.Reader.from(
        clusterOf(broker)
          .topics.get('bytes-platformatic')!
          .partitions[0]!.log.read(0, 1 << 20).batches[0]!,
      ),
    ).records;
    const text = (h: [Buffer | null, Buffer | null][]) => h.map(([k, v]) => `${k}=${v}`);
    assert.equal(text(first[0]!.headers), ['pipelab-event-id=t1a.k3-1', 'pipelab-sent-ms=1765059422123.457']);
    assert.equal(text(first[2]!.headers), [
      'pipelab-event-id=é-3',
      'pipelab-sent-ms=1765059422126.000',
      'pii-key-id=k1',
      'a=ü',
    ]);
    assert.equal(text(first[3]!.headers), ['only=these']);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

test('idempotent producers (exactly-once runs): every batch carries a producer id, the sequences run on', async () => {
  const broker = await startBroker();
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    for (const client of ['platformatic', 'kafkajs'] as const) {
      const topic = `idem-${client}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const p = await openProducer({
        client,
        brokers: broker.bootstrap,
        topic,
        lingerMs: 1,
        idempotent: true,
        kafkajs: (given) => kafka.producer(given),
      });
      // five batches cut back to back
      const sends: Promise<boolean>[] = [];
      for (let b = 0; b < 5; b++) {
        for (let n = 0; n <= b; n++) sends.push(p.send({ key: 'k', value: `${b}.${n}` }));
        p.flush();
      }
      assert.ok((await Promise.all(sends)).every(Boolean));
      await p.close();
      const log = clusterOf(broker).topics.get(topic)!.partitions[0]!.log;
      const batches = log.read(0, 1 << 20).batches;
      const pids = new Set(batches.map((b) => b.readBigInt64BE(43)));
      assert.is(pids.size, 1, `${client}: one producer id`);
      assert.ok([...pids][0]! >= 0n, `${client}: the batches carry a producer id (idempotent)`);
      let next = 0;
      for (const b of batches) {
        assert.is(b.readInt32BE(53), next, `${client}: sequences run on`);
        next += b.readInt32BE(57);
      }
      assert.is(next, 15);
    }
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

test.run();
