/** The declared topics, created idempotently through kafkajs admin against the embedded broker. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { startBroker } from '../../broker/index.ts';
import { ensureTopics, replicationFor, TOPIC_CONFIG, TOPICS, compressionType } from '../../pipeline/topics.ts';

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

test.run();
