/**
 * kafkajs 2.2.4 against the embedded broker, unchanged: produce/consume with every codec,
 * acks 0/1/-1, idempotence, a rebalancing 3-member group, committed offsets, seek and admin.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs, { type Consumer, type EachMessagePayload } from 'kafkajs';
import { startBroker, type Broker } from '../../broker/index.ts';
import { assertServedCleanly } from '../helpers/broker-clean.ts';
import { registerKafkajsCodecs } from '../../broker/codecs.ts';

const { CompressionTypes, Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
registerKafkajsCodecs();

let broker: Broker;
let kafka: InstanceType<typeof Kafka>;
const FAST = { sessionTimeout: 3000, heartbeatInterval: 200, maxWaitTimeInMs: 100, rebalanceTimeout: 3000 };

test.before(async () => {
  broker = await startBroker({ minSessionTimeoutMs: 1000 });
  kafka = new Kafka({
    clientId: 'kjs-test',
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50 },
  });
});
test.after(async () => {
  await broker.close();
});

/** consumes until `want` messages arrived (or fails after `ms`) */
async function consumeN(
  c: Consumer,
  want: number,
  ms = 15_000,
  onMsg?: (p: EachMessagePayload) => void,
): Promise<EachMessagePayload[]> {
  const got: EachMessagePayload[] = [];
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out with ${got.length}/${want} messages`)), ms);
    void c.run({
      eachMessage: async (p) => {
        got.push(p);
        onMsg?.(p);
        if (got.length >= want) {
          clearTimeout(t);
          resolve();
        }
      },
    });
  });
  return got;
}

for (const [name, codec] of [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
] as const) {
  test(`records compressed with ${name} come back byte for byte`, async () => {
    const topic = `codec-${name}`;
    const p = kafka.producer();
    await p.connect();
    const messages = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i % 7}`,
      value: `value-${i}-${'x'.repeat(i % 50)}`,
      headers: { h: `${i}` },
    }));
    for (let i = 0; i < 200; i += 50) await p.send({ topic, compression: codec, messages: messages.slice(i, i + 50) });
    await p.disconnect();
    const c = kafka.consumer({ groupId: `g-${name}`, ...FAST });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    const got = await consumeN(c, 200);
    await c.disconnect();
    assert.equal(
      got.map((g) => g.message.value!.toString()),
      messages.map((m) => m.value),
    );
    assert.equal(
      got.map((g) => g.message.headers!.h!.toString()),
      messages.map((m) => m.headers.h),
    );
  });
}

test('acks 0, 1 and -1 all store the records; acks 0 gets no reply', async () => {
  const topic = 'acks';
  broker.createTopic(topic, { partitions: 1 });
  const p = kafka.producer();
  await p.connect();
  for (const acks of [1, -1]) {
    const res = await p.send({ topic, acks, messages: [{ value: `acks${acks}` }] });
    assert.is(res[0]!.errorCode, 0);
  }
  const res0 = await p.send({ topic, acks: 0, messages: [{ value: 'acks0' }] });
  assert.equal(res0, []);
  await p.send({ topic, acks: 1, messages: [{ value: 'after' }] });
  await p.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offs = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  assert.is(offs[0]!.high, '4');
});

test('an idempotent producer gets a producer id and its records land once', async () => {
  const topic = 'idem';
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  for (let i = 0; i < 10; i++) await p.send({ topic, acks: -1, messages: [{ value: `i${i}` }, { value: `j${i}` }] });
  await p.disconnect();
  const c = kafka.consumer({ groupId: 'g-idem', ...FAST });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  const got = await consumeN(c, 20);
  await c.disconnect();
  assert.is(new Set(got.map((g) => g.message.value!.toString())).size, 20);
  assert.is(got.at(-1)!.message.offset, '19');
});

test('a 3-member group rebalances when one leaves and consumes every record exactly once', async () => {
  const topic = 'group3';
  broker.createTopic(topic, { partitions: 6 });
  const total = 600;
  const p = kafka.producer();
  await p.connect();
  const seen = new Map<string, number>();
  const members = [0, 1, 2].map(() => kafka.consumer({ groupId: 'g3', ...FAST }));
  let stopped = false;
  for (const [i, c] of members.entries()) {
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    void c.run({
      autoCommitInterval: 50,
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        seen.set(v, (seen.get(v) ?? 0) + 1);
        // member 0 leaves after its 20th record; its partitions move to the others
        if (i === 0 && !stopped && [...seen.values()].length > 20) {
          stopped = true;
          setImmediate(() => void c.disconnect());
        }
      },
    });
  }
  for (let i = 0; i < total; i += 50) {
    await p.send({ topic, messages: Array.from({ length: 50 }, (_, j) => ({ key: `${i + j}`, value: `r${i + j}` })) });
    await new Promise((r) => setTimeout(r, 30));
  }
  await p.disconnect();
  const deadline = Date.now() + 20_000;
  while (seen.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const c of members) await c.disconnect();
  assert.ok(stopped, 'member 0 left');
  assert.is(seen.size, total);
  const dupes = [...seen.values()].filter((n) => n > 1).length;
  assert.is(dupes, 0, `${dupes} records consumed twice`);
  assert.is(broker.lag('g3').total, 0);
});

test('committed offsets survive a consumer restart', async () => {
  const topic = 'restart';
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `a${i}` })) });
  let c = kafka.consumer({ groupId: 'g-restart', ...FAST });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await consumeN(c, 10);
  await c.disconnect();
  assert.is(broker.lag('g-restart').total, 0);
  await p.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `b${i}` })) });
  await p.disconnect();
  assert.is(broker.lag('g-restart').total, 5);
  c = kafka.consumer({ groupId: 'g-restart', ...FAST });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  const got = await consumeN(c, 5);
  await new Promise((r) => setTimeout(r, 300));
  await c.disconnect();
  assert.equal(
    got.map((g) => g.message.value!.toString()),
    ['b0', 'b1', 'b2', 'b3', 'b4'],
  );
});

test('seek moves a running consumer back to an earlier offset', async () => {
  const topic = 'seek';
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `s${i}` })) });
  await p.disconnect();
  const c = kafka.consumer({ groupId: 'g-seek', ...FAST });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  let sought = false;
  const got = await consumeN(c, 13, 15_000, ({ message }) => {
    if (message.offset === '9' && !sought) {
      sought = true;
      c.seek({ topic, partition: 0, offset: '7' });
    }
  });
  await c.disconnect();
  assert.equal(
    got.slice(10).map((g) => g.message.value!.toString()),
    ['s7', 's8', 's9'],
  );
});

test('admin creates, lists, describes and deletes topics and groups', async () => {
  const admin = kafka.admin();
  await admin.connect();
  assert.ok(
    await admin.createTopics({
      topics: [{ topic: 'adm', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    }),
  );
  assert.not.ok(await admin.createTopics({ topics: [{ topic: 'adm', numPartitions: 4 }] }));
  const bad = await admin.createTopics({ topics: [{ topic: 'bad-rf', numPartitions: 1, replicationFactor: 3 }] }).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  assert.match(String(bad), /creation errors/i);
  assert.ok((await admin.listTopics()).includes('adm'));
  const meta = await admin.fetchTopicMetadata({ topics: ['adm'] });
  assert.is(meta.topics[0]!.partitions.length, 4);
  const offs = await admin.fetchTopicOffsets('adm');
  assert.equal(
    offs.map((o) => o.high),
    ['0', '0', '0', '0'],
  );
  const groups = await admin.listGroups();
  assert.ok(groups.groups.some((g) => g.groupId === 'g-restart'));
  const d = await admin.describeGroups(['g-restart', 'nope']);
  assert.is(d.groups[0]!.state, 'Empty');
  assert.is(d.groups[1]!.state, 'Dead');
  const cfg = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2 /* TOPIC */, name: 'adm' }],
  });
  const entries = cfg.resources[0]!.configEntries;
  assert.is(entries.find((e) => e.configName === 'retention.ms')!.configValue, '60000');
  assert.is(entries.find((e) => e.configName === 'segment.bytes')!.isDefault, true);
  await admin.deleteTopics({ topics: ['adm'] });
  assert.not.ok((await admin.listTopics()).includes('adm'));
  await admin.deleteGroups(['g-restart']);
  await admin.disconnect();
});

test('fetchTopicOffsetsByTimestamp finds the first record at or after a time', async () => {
  const topic = 'by-time';
  const p = kafka.producer();
  await p.connect();
  // recent timestamps: records older than retention.ms (7 days by default) would be dropped
  const t0 = Date.now() - 60_000;
  await p.send({
    topic,
    messages: [
      { value: 'a', timestamp: `${t0}` },
      { value: 'b', timestamp: `${t0 + 1000}` },
      { value: 'c', timestamp: `${t0 + 2000}` },
    ],
  });
  await p.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const at = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 500);
  await admin.disconnect();
  assert.is(at[0]!.offset, '1');
});

test('retention.ms drops old batches: consumers from the beginning see only the newer records', async () => {
  const topic = 'retained';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'retention.ms', value: `${24 * 3600_000}` },
          { name: 'segment.ms', value: '1' },
        ],
      },
    ],
  });
  const p = kafka.producer();
  await p.connect();
  const old = `${Date.now() - 3 * 24 * 3600_000}`;
  await p.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `old${i}`, timestamp: old })) });
  await p.send({ topic, messages: Array.from({ length: 3 }, (_, i) => ({ value: `new${i}` })) });
  await p.disconnect();
  broker.enforceRetention();
  const offs = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  assert.equal([offs[0]!.low, offs[0]!.high], ['5', '8']);
  const c = kafka.consumer({ groupId: 'g-retained', ...FAST });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  const got = await consumeN(c, 3);
  await c.disconnect();
  assert.equal(
    got.map((g) => g.message.value!.toString()),
    ['new0', 'new1', 'new2'],
  );
});

test('a batch larger than max.message.bytes is refused with MESSAGE_TOO_LARGE', async () => {
  const topic = 'small-max';
  broker.createTopic(topic, { configs: { 'max.message.bytes': '2000' } });
  const p = kafka.producer({ retry: { retries: 0 } });
  await p.connect();
  const err = await p.send({ topic, messages: [{ value: 'x'.repeat(5000) }] }).then(
    () => null,
    (e: Error) => e,
  );
  await p.send({ topic, messages: [{ value: 'small' }] });
  await p.disconnect();
  assert.match(String((err as { type?: string } | null)?.type ?? err), /MESSAGE_TOO_LARGE|too large/i);
});

test('the broker met no internal error while serving these clients', () => {
  if (broker) assertServedCleanly(broker);
});

test.run();
