/** Protocol-level checks with a raw client: ApiVersions, Metadata shapes, idempotence, acks=0, long-poll. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterOf, startBroker, type Broker } from '../../broker/index.ts';
import { PipelabError } from '../../errors.ts';
import { ALL_APIS, checkRegistry } from '../../broker/apis/index.ts';
import { encodeBatch } from '../../broker/protocol/record-batch.ts';
import { metadataRequest, readMetadata } from '../helpers/metadata.ts';
import { RawClient } from './raw-client.ts';
import { fetchBody, produceBody, readFetch, readProduce } from './raw-requests.ts';

let broker: Broker;
let c: RawClient;
test.before(async () => {
  broker = await startBroker();
  c = await RawClient.connect(broker.bootstrap[0]!);
});
test.after(async () => {
  c.close();
  await broker.close();
});

/** the ranges from kafka-protocol-notes §1 (plus the admin APIs kafkajs uses) */
const ADVERTISED: Record<number, [number, number]> = {
  0: [3, 7],
  1: [4, 11],
  2: [1, 5],
  3: [0, 10],
  8: [2, 7],
  9: [1, 5],
  10: [0, 2],
  11: [0, 5],
  12: [0, 3],
  13: [0, 3],
  14: [0, 3],
  15: [0, 2],
  16: [0, 2],
  17: [0, 1],
  18: [0, 3],
  19: [0, 4],
  20: [0, 3],
  22: [0, 1],
  24: [0, 1],
  25: [0, 1],
  26: [0, 1],
  28: [0, 2],
  32: [0, 2],
  36: [0, 2],
  42: [0, 1],
};

test('ApiVersions v3 is flexible (compact array, tags) and advertises exactly the table', async () => {
  const r = (await c.send(
    18,
    3,
    (w) => {
      w.compactString('raw').compactString('1').tags();
    },
    { flexible: true },
  ))!;
  // no tag byte in the ApiVersions response header: the error code follows the correlation id
  assert.is(r.int16(), 0);
  const got: Record<number, [number, number]> = {};
  r.compactArray((r) => {
    const k = r.int16();
    got[k] = [r.int16(), r.int16()];
    r.tags();
  });
  assert.is(r.int32(), 0);
  r.tags();
  assert.is(r.remaining, 0);
  assert.equal(got, ADVERTISED);
});

test('ApiVersions v0 answers the same list without throttle time', async () => {
  const r = (await c.send(18, 0, () => {}))!;
  assert.is(r.int16(), 0);
  assert.is(r.array((r) => [r.int16(), r.int16(), r.int16()]).length, Object.keys(ADVERTISED).length);
  assert.is(r.remaining, 0);
});

test('ApiVersions above v3 gets UNSUPPORTED_VERSION with a v0 body listing every API', async () => {
  const r = (await c.send(
    18,
    4,
    (w) => {
      w.compactString('raw').compactString('1').tags();
    },
    { flexible: true },
  ))!;
  assert.is(r.int16(), 35);
  assert.is(r.array((r) => [r.int16(), r.int16(), r.int16()]).length, Object.keys(ADVERTISED).length);
});

test('the registry refuses a duplicate key and an inverted range', () => {
  assert.throws(() => checkRegistry([...ALL_APIS, ALL_APIS[0]!]), /registered twice/);
  assert.throws(() => checkRegistry([{ ...ALL_APIS[0]!, min: 5, max: 2 }]), /inverted/);
});

test('Metadata v1 with a null topic list returns every topic; v0 with an empty list does too', async () => {
  broker.createTopic('m1', { partitions: 2 });
  for (const version of [1, 0]) {
    const r = readMetadata((await c.send(3, version, metadataRequest(version, null)))!, version);
    assert.ok(
      r.topics.some((t) => t.name === 'm1' && t.partitions.length === 2),
      `v${version} lists m1 and its 2 partitions`,
    );
  }
});

test('Metadata v0-v10 each decode to the last byte, with the fields of their version', async () => {
  for (let version = 0; version <= 10; version++) {
    const r = readMetadata(
      (await c.send(3, version, metadataRequest(version, ['m1']), { flexible: version >= 9 }))!,
      version,
    );
    const [t] = r.topics;
    assert.is(t?.name, 'm1', `v${version}`);
    assert.equal(
      t!.partitions.map((p) => [p.error, p.partition, p.leader]),
      [
        [0, 0, 0],
        [0, 1, 0],
      ],
      `v${version}`,
    );
    assert.is(r.controller, version >= 1 ? 0 : undefined, `v${version} controller`);
    assert.is(typeof r.clusterId, version >= 2 ? 'string' : 'undefined', `v${version} cluster id`);
    assert.is(t!.partitions[0]!.leaderEpoch !== undefined, version >= 7, `v${version} leader epoch`);
  }
});

test('Metadata v10 is flexible and carries a non-zero topic id', async () => {
  const r = readMetadata((await c.send(3, 10, metadataRequest(10, ['m1'], false), { flexible: true }))!, 10);
  assert.ok(r.clusterId);
  assert.is(r.topics[0]!.name, 'm1');
  assert.not.ok(r.topics[0]!.id!.equals(Buffer.alloc(16)));
});

test('an idempotent retry returns the original offset; a sequence gap gets error 45', async () => {
  broker.createTopic('idem-raw');
  const pid = 77;
  const b0 = encodeBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], {
    producerId: pid,
    producerEpoch: 0,
    baseSequence: 0,
    now: Date.now(),
  });
  const b1 = encodeBatch([{ value: Buffer.from('c') }], {
    producerId: pid,
    producerEpoch: 0,
    baseSequence: 2,
    now: Date.now(),
  });
  const gap = encodeBatch([{ value: Buffer.from('z') }], {
    producerId: pid,
    producerEpoch: 0,
    baseSequence: 9,
    now: Date.now(),
  });
  assert.equal(readProduce((await c.send(0, 7, produceBody('idem-raw', b0)))!), { error: 0, base: 0 });
  assert.equal(readProduce((await c.send(0, 7, produceBody('idem-raw', b1)))!), { error: 0, base: 2 });
  assert.equal(readProduce((await c.send(0, 7, produceBody('idem-raw', b0)))!), { error: 0, base: 0 }, 'duplicate');
  assert.equal(readProduce((await c.send(0, 7, produceBody('idem-raw', gap)))!), { error: 45, base: -1 });
  assert.is(broker.stats().recordsProduced >= 3, true);
});

test('a corrupt batch gets CORRUPT_MESSAGE and an unknown topic UNKNOWN_TOPIC_OR_PARTITION', async () => {
  broker.createTopic('corrupt');
  const b = encodeBatch([{ value: Buffer.from('x') }], { now: Date.now() });
  b[b.length - 1] ^= 0xff;
  assert.is(readProduce((await c.send(0, 7, produceBody('corrupt', b)))!).error, 2);
  assert.is(readProduce((await c.send(0, 7, produceBody('nope-topic', encodeBatch([{ value: null }]))))!).error, 3);
});

test('acks=0 gets no reply, and the next reply still matches its own request', async () => {
  broker.createTopic('acks0');
  assert.is(
    c.send(0, 7, produceBody('acks0', encodeBatch([{ value: Buffer.from('q') }], { now: Date.now() }), 0), {
      expectReply: false,
    }),
    undefined,
  );
  const r = (await c.send(18, 0, () => {}))!;
  assert.is(r.int16(), 0);
});

test('a Fetch at the high-water mark waits for the next append (long-poll) and returns it', async () => {
  broker.createTopic('poll');
  const fetcher = await RawClient.connect(broker.bootstrap[0]!);
  const pending = fetcher.send(1, 11, fetchBody('poll', 5000, 1))!;
  let answered = false;
  void pending.then(() => {
    answered = true;
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.not.ok(answered, 'still waiting for data');
  // the waiting Fetch listens for the broker's close, and stops listening once answered: a
  // listener (or a promise reaction) left behind per long-poll stays for the broker's lifetime
  assert.is(clusterOf(broker).closeListenerCount, 1);
  await c.send(0, 7, produceBody('poll', encodeBatch([{ value: Buffer.from('wake') }], { now: Date.now() })));
  const got = readFetch(await pending);
  assert.is(clusterOf(broker).closeListenerCount, 0);
  fetcher.close();
  assert.is(got.top, 0);
  assert.is(got.error, 0);
  assert.is(got.hwm, 1);
  assert.ok(got.records.includes(Buffer.from('wake')));
});

test('broker.lag reports committed offsets against the high-water mark', async () => {
  broker.createTopic('lagged', { partitions: 2 });
  for (let i = 0; i < 3; i++)
    await c.send(0, 7, produceBody('lagged', encodeBatch([{ value: Buffer.from('l') }], { now: Date.now() })));
  const commit = await c.send(8, 2, (w) => {
    w.string('lag-g')
      .int32(-1)
      .string('')
      .int64(-1)
      .array(['lagged'], (w, t) => {
        w.string(t).array([0], (w, p) => {
          w.int32(p).int64(1).nullableString(null);
        });
      });
  });
  commit!.array((r) => {
    r.string();
    r.array((r) => {
      r.int32();
      assert.is(r.int16(), 0);
    });
  });
  const lag = broker.lag('lag-g');
  assert.is(lag.total, 2);
  assert.equal(
    lag.partitions.map((p) => [p.partition, p.committed, p.highWatermark, p.lag]),
    [
      [0, 1, 3, 2],
      [1, -1, 0, 0],
    ],
  );
});

test('startBroker reports every invalid option with its path', async () => {
  const err = await startBroker({ brokers: 0, port: 70000, defaultPartitions: 1.5 } as never).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PipelabError);
  assert.is(err.code, 'INVALID_ARGUMENT');
  assert.equal(err.issues.map((i) => i.path).sort(), [
    '/options/brokers',
    '/options/defaultPartitions',
    '/options/port',
  ]);
});

test('a port already in use is a SERVICE_UNAVAILABLE error with a hint', async () => {
  const port = Number(broker.bootstrap[0]!.split(':')[1]);
  const err = await startBroker({ port }).then(
    (b) => b.close().then(() => null),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PipelabError);
  assert.is(err.code, 'SERVICE_UNAVAILABLE');
  assert.match(err.hint ?? '', /another --port/);
});

test('a broker advertises advertisedHost in Metadata while binding host', async () => {
  const b = await startBroker({ host: '127.0.0.1', advertisedHost: 'kafka.example' });
  try {
    const port = b.bootstrap[0]!.split(':')[1];
    assert.is(b.bootstrap[0], `kafka.example:${port}`);
    const raw = await RawClient.connect(`127.0.0.1:${port}`);
    const r = readMetadata((await raw.send(3, 1, metadataRequest(1, []))!)!, 1);
    raw.close();
    assert.equal(
      r.brokers.map((b) => b.host),
      ['kafka.example'],
    );
  } finally {
    await b.close();
  }
});

test.run();
