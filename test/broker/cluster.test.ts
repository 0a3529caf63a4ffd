/**
 * Several brokers as one cluster: leadership spread (one process per node), and failover and
 * restart with data on the in-process cluster (processes: false, one shared state; the
 * replicated cluster's failures are in replication.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { clusterOf, startBroker } from '../../broker/index.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a 3-broker cluster spreads partition leaders and accepts replication factor up to 3', async () => {
  const broker = await startBroker({ brokers: 3 });
  try {
    assert.is(broker.bootstrap.length, 3);
    const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 3 }] });
    const bad = await admin.createTopics({ topics: [{ topic: 'rf4', numPartitions: 1, replicationFactor: 4 }] }).then(
      () => 'ok',
      () => 'refused',
    );
    const meta = await admin.fetchTopicMetadata({ topics: ['spread'] });
    await admin.disconnect();
    assert.is(bad, 'refused');
    const leaders = new Set(meta.topics[0]!.partitions.map((p) => p.leader));
    assert.equal([...leaders].sort(), [0, 1, 2]);
    assert.ok(meta.topics[0]!.partitions.every((p) => p.replicas.length === 3));
  } finally {
    await broker.close();
  }
});

test(
  'the broker coordinating the group stops mid-stream; the kafkajs producer and consumer fail over and ' +
    'lose no record',
  async () => {
    const broker = await startBroker({ brokers: 3, processes: false, minSessionTimeoutMs: 1000 });
    try {
      const kafka = new Kafka({
        brokers: broker.bootstrap,
        logLevel: logLevel.NOTHING,
        retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
      });
      broker.createTopic('failover', { partitions: 6, replicationFactor: 3 });
      const total = 1200;
      const seen = new Set<string>();
      const consumer = kafka.consumer({
        groupId: 'g-failover',
        sessionTimeout: 3000,
        heartbeatInterval: 200,
        maxWaitTimeInMs: 100,
        retry: { retries: 10, initialRetryTime: 50 },
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'failover', fromBeginning: true });
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
        },
      });
      const producer = kafka.producer({ retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 } });
      await producer.connect();
      // stop the node that coordinates the group: both partition leadership and the coordinator move
      const victim = clusterOf(broker).coordinatorFor('g-failover')!.id;
      let stopped = false;
      for (let i = 0; i < total; i += 40) {
        if (i >= total / 2 && !stopped) {
          stopped = true;
          await broker.stopBroker(victim);
          assert.is(broker.bootstrap.length, 2);
        }
        // one send per partition: kafkajs 2.2.4 drops the messages of a partition whose leader moves
        // to a broker that already answered within the same multi-broker send (sendMessages keys
        // its retry bookkeeping by broker), on a real cluster too; per-partition sends retry cleanly
        await Promise.all(
          Array.from({ length: 6 }, (_, part) =>
            producer.send({
              topic: 'failover',
              acks: -1,
              messages: Array.from({ length: 40 }, (_, j) => i + j)
                .filter((n) => n % 6 === part)
                .map((n) => ({ partition: part, value: `m${n}` })),
            }),
          ),
        );
        await sleep(10);
      }
      await producer.disconnect();
      const deadline = Date.now() + 20_000;
      while (seen.size < total && Date.now() < deadline) await sleep(100);
      await consumer.disconnect();
      const missing = Array.from({ length: total }, (_, i) => `m${i}`).filter((v) => !seen.has(v));
      assert.equal(missing, [], `${missing.length} records lost`);
      // the stopped node comes back on the same port with the data kept
      await broker.startBroker(victim);
      const admin = kafka.admin();
      await admin.connect();
      const offs = await admin.fetchTopicOffsets('failover');
      await admin.disconnect();
      assert.ok(offs.reduce((s, o) => s + Number(o.high), 0) >= total);
    } finally {
      await broker.close();
    }
  },
);

test.run();
