/** The declared topics, created idempotently through kafkajs admin against the embedded broker. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { startBroker } from '../../broker/index.ts';
import {
  ensureTopics,
  replicationFor,
  retentionConfigs,
  TOPIC_CONFIG,
  TOPICS,
  compressionType,
} from '../../pipeline/topics.ts';

const { Kafka, logLevel, CompressionTypes, ConfigResourceTypes } = kafkajs;

test('the declaration has the five topics, inputs with 12 partitions, a day of retention and hourly segments', () => {
  assert.equal(TOPIC_CONFIG.map((t) => t.name).sort(), [
    'dead-letter',
    'fraud-decisions',
    'processed-events',
    'transactions',
    'user-events',
  ]);
  for (const name of [TOPICS.transactions, TOPICS.userEvents]) {
    const t = TOPIC_CONFIG.find((x) => x.name === name)!;
    assert.is(t.partitions, 12);
    assert.equal(t.configs, { 'retention.ms': '86400000', 'segment.ms': '3600000' });
  }
  assert.is(replicationFor(1), 1);
  assert.is(replicationFor(2), 1);
  assert.is(replicationFor(3), 3);
  assert.is(compressionType('lz4'), CompressionTypes.LZ4);
  assert.is(compressionType('none'), CompressionTypes.None);
});

test('ensureTopics creates what is missing once, with the configs, and RF 3 on a 3-broker cluster', async () => {
  const broker = await startBroker({ brokers: 3, autoCreateTopics: false });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const first = await ensureTopics(kafka);
    assert.is(first.created.length, 5);
    assert.is(first.replicationFactor, 3);
    const again = await ensureTopics(kafka, { admin });
    assert.equal(again.created, []);
    assert.is(again.existing.length, 5);
    const meta = await admin.fetchTopicMetadata({ topics: [TOPICS.transactions] });
    const parts = meta.topics[0]!.partitions;
    assert.is(parts.length, 12);
    assert.is(parts[0]!.replicas.length, 3);
    const cfg = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: TOPICS.transactions, configNames: ['retention.ms', 'segment.ms'] },
      ],
    });
    const entries = Object.fromEntries(cfg.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(entries, { 'retention.ms': '86400000', 'segment.ms': '3600000' });
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});

test('a partition override is used for every topic this call creates (tests and small runs)', async () => {
  const broker = await startBroker({ autoCreateTopics: false });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  try {
    const r = await ensureTopics(kafka, { partitions: 2 });
    assert.is(r.replicationFactor, 1);
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [TOPICS.fraudDecisions, TOPICS.deadLetter] });
    await admin.disconnect();
    assert.equal(
      meta.topics.map((t) => t.partitions.length),
      [2, 2],
    );
  } finally {
    await broker.close();
  }
});

test('processors starting at once may race to create the topics: every caller succeeds', async () => {
  const broker = await startBroker({ autoCreateTopics: false });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  try {
    const rs = await Promise.all([1, 2, 3].map(() => ensureTopics(kafka, { partitions: 2 })));
    assert.is(rs.reduce((n, r) => n + r.created.length, 0) >= 5, true);
  } finally {
    await broker.close();
  }
});

test('a retention override expires old records on the embedded broker; retention.ms alone keeps them', async () => {
  let skew = 0; // a virtual time ahead of the real clock: the broker's and the records' timestamps
  const broker = await startBroker({ autoCreateTopics: false, retentionCheckMs: 0, now: () => Date.now() + skew });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  try {
    assert.equal(retentionConfigs(60_000), { 'retention.ms': '60000', 'segment.ms': '15000' });
    await ensureTopics(kafka, { partitions: 1, retentionMs: 60_000 });
    await admin.connect();
    // what a run gets from retention.ms without segment.ms: one active segment, never rolled
    await admin.createTopics({
      topics: [{ topic: 'only-retention', configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    await producer.connect();
    for (const step of [0, 20_000, 20_000]) {
      skew += step;
      for (const topic of [TOPICS.fraudDecisions, 'only-retention'])
        await producer.send({
          topic,
          messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, timestamp: String(Date.now() + skew) })),
        });
    }
    skew += 50_000; // the three sends are now 90, 70 and 50 s old
    assert.ok(broker.enforceRetention() > 0);
    const low = async (topic: string) => (await admin.fetchTopicOffsets(topic))[0]!.low;
    assert.is(await low(TOPICS.fraudDecisions), '20', 'the two segments older than a minute went');
    assert.is(await low('only-retention'), '0', 'the active segment keeps everything');
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});

test.run();
