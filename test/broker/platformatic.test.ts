/**
 * @platformatic/kafka 2.x against the embedded broker. It declares Node >= 22 and on Node 20
 * misses only Promise.withResolvers (ES2024), shimmed here before the client loads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type Broker } from '../../broker/index.ts';
import { assertServedCleanly } from '../helpers/broker-clean.ts';
import { shimWithResolvers } from '../../harness/targets/producers.ts';

shimWithResolvers();
const pk = await import('@platformatic/kafka');

let broker: Broker;
test.before(async () => {
  broker = await startBroker({ minSessionTimeoutMs: 1000 });
});
test.after(async () => {
  await broker.close();
});

test('a platformatic producer and consumer group round-trip records', async () => {
  broker.createTopic('plt', { partitions: 2 });
  const producer = new pk.Producer({
    clientId: 'plt-p',
    bootstrapBrokers: broker.bootstrap,
    serializers: pk.stringSerializers,
  });
  const sent = Array.from({ length: 50 }, (_, i) => `v${i}`);
  await producer.send({ messages: sent.map((value, i) => ({ topic: 'plt', key: `k${i}`, value })) });
  await producer.close();
  const consumer = new pk.Consumer({
    groupId: 'plt-g',
    clientId: 'plt-c',
    bootstrapBrokers: broker.bootstrap,
    deserializers: pk.stringDeserializers,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTime: 200,
  });
  const stream = await consumer.consume({ autocommit: true, topics: ['plt'], mode: pk.MessagesStreamModes.EARLIEST });
  const got: string[] = [];
  for await (const m of stream) {
    got.push(m.value as string);
    if (got.length === sent.length) break;
  }
  await stream.close();
  await consumer.close();
  assert.equal([...got].sort(), [...sent].sort());
});

test('one platformatic consumer reads two topics (fetches keyed by topic id need Metadata v10 ids)', async () => {
  const producer = new pk.Producer({
    clientId: 'plt-p2',
    bootstrapBrokers: broker.bootstrap,
    serializers: pk.stringSerializers,
  });
  broker.createTopic('plt-a');
  broker.createTopic('plt-b');
  await producer.send({
    messages: [
      ...['a1', 'a2'].map((value) => ({ topic: 'plt-a', value })),
      ...['b1', 'b2'].map((value) => ({ topic: 'plt-b', value })),
    ],
  });
  await producer.close();
  const consumer = new pk.Consumer({
    groupId: 'plt-g2',
    clientId: 'plt-c2',
    bootstrapBrokers: broker.bootstrap,
    deserializers: pk.stringDeserializers,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTime: 200,
  });
  const stream = await consumer.consume({
    autocommit: true,
    topics: ['plt-a', 'plt-b'],
    mode: pk.MessagesStreamModes.EARLIEST,
  });
  const got: string[] = [];
  for await (const m of stream) {
    got.push(`${m.topic}:${m.value}`);
    if (got.length === 4) break;
  }
  await stream.close();
  await consumer.close();
  assert.equal(got.sort(), ['plt-a:a1', 'plt-a:a2', 'plt-b:b1', 'plt-b:b2']);
});

test('the platformatic admin client creates and lists topics', async () => {
  const admin = new pk.Admin({ clientId: 'plt-a', bootstrapBrokers: broker.bootstrap });
  await admin.createTopics({ topics: ['plt-admin'], partitions: 3, replicas: 1 });
  const topics = await admin.listTopics();
  await admin.close();
  assert.ok(topics.includes('plt-admin'));
});

test('the broker met no internal error while serving these clients', () => {
  if (broker) assertServedCleanly(broker);
});

test.run();
