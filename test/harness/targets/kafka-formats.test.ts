/**
 * The kafka target's avro-confluent format end to end: events in Confluent's wire format through a
 * schema registry, read by a system under test that uses @kafkajs/confluent-schema-registry (and
 * writes its results the same way), matched by a field of the decoded results; the embedded
 * broker's registry when no --schema-registry is given; a missing or unreachable registry.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { freePort } from '../../../harness/services/ports.ts';
import type { ScenarioInput } from '../../../harness/scenario/schema.ts';
import type { KafkaAccounting } from '../../../harness/targets/kafka/ledger.ts';
import type { CounterData, RateData, RunSummary } from '../../../results/types.ts';
import { rejected } from '../../helpers/errors.ts';

const { Kafka, logLevel } = kafkajs;
const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};
const SCORED = {
  type: 'record',
  name: 'Scored',
  namespace: 'shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'score', type: 'double' },
  ],
};

let broker: Broker;
test.before(async () => {
  broker = await startBroker({ schemaRegistry: true, minSessionTimeoutMs: 1000, defaultPartitions: 3 });
});
test.after(async () => {
  await broker.close();
});

const run = (target: object, services: Record<string, string> | undefined, iterations = 20): Promise<RunSummary> =>
  runScenario({
    name: 'kafka-formats',
    target,
    executors: { main: { executor: 'per-vu-iterations', vus: 2, iterations: iterations / 2 } },
    ...(services ? { services } : {}),
  } as ScenarioInput);

test('a scorer on @kafkajs/confluent-schema-registry reads the events and writes results the same way', async () => {
  for (const t of ['orders-sr', 'orders-sr-scored']) broker.createTopic(t, { partitions: 3 });
  const url = broker.schemaRegistry!.url;
  const registry = new SchemaRegistry({ host: url });
  const { id: scoredId } = await registry.register(SCORED as never, { subject: 'orders-sr-scored-value' });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'scorer', sessionTimeout: 3000, heartbeatInterval: 300 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: 'orders-sr', fromBeginning: true });
  const framed: number[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      framed.push(message.value![0]!, message.value!.readUInt32BE(1));
      const order = (await registry.decode(message.value!)) as { orderId: string; amount: number };
      const value = await registry.encode(scoredId, { orderId: order.orderId, score: order.amount / 100 });
      await producer.send({ topic: 'orders-sr-scored', messages: [{ value }] });
    },
  });
  try {
    const s = await run(
      {
        type: 'kafka',
        produce: {
          topic: 'orders-sr',
          generator: ({ index }: { index: number }) => ({ amount: index }),
          idField: 'orderId',
          format: 'avro-confluent',
          schema: ORDER,
        },
        results: [
          {
            topic: 'orders-sr-scored',
            correlate: { field: 'orderId' },
            format: 'avro-confluent',
            expect: { score: { min: 0, max: 1 } },
          },
        ],
        drainTimeout: '20s',
      },
      { kafka: broker.bootstrap[0]!, 'schema-registry': url },
    );
    const a = s.extra?.accounting as KafkaAccounting;
    assert.equal([a.produced, a.matched, a.missing, a.foreign], [20, 20, 0, 0]);
    // the scorer is at least once: a redelivery after a rebalance writes a result twice, checked too
    assert.is((s.metrics.checks as RateData).passes, 20 + a.duplicates, 'every decoded result checked');
    assert.equal(s.services['schema-registry'], { mode: 'external', detail: url });
    const orderId = await registry.getLatestSchemaId('orders-sr-value');
    assert.ok(framed.length >= 40, `${framed.length / 2} orders read`);
    for (let i = 0; i < framed.length; i += 2) assert.equal([framed[i], framed[i + 1]], [0, orderId]);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
});

test("without --schema-registry the embedded broker's registry is used", async () => {
  const s = await run(
    { type: 'kafka', produce: { topic: 'tx-sr', generator: 'transactions', format: 'avro-confluent' } },
    undefined,
  );
  assert.is((s.metrics.iterations as CounterData).count, 20);
  assert.is((s.metrics.errors as RateData).passes, 0, 'no failed sends');
  assert.is(s.services.kafka?.mode, 'embedded');
  assert.is(s.services['schema-registry']?.mode, 'embedded');
  assert.match(s.services['schema-registry']?.detail ?? '', /^embedded schema registry at http:\/\/127\.0\.0\.1:\d+$/);
});

test('an external Kafka without a registry is refused (104); an unreachable registry is 106 naming it', async () => {
  const target = { type: 'kafka', produce: { topic: 'tx-none', generator: 'transactions', format: 'avro-confluent' } };
  const saved = process.env.PIPELAB_SCHEMA_REGISTRY;
  delete process.env.PIPELAB_SCHEMA_REGISTRY;
  try {
    const none = await rejected(run(target, { kafka: broker.bootstrap[0]! }));
    assert.is(none.exitCode, 104);
    assert.match(none.message, /needs a schema registry: --schema-registry URL/);
    const url = `http://127.0.0.1:${await freePort()}`;
    const down = await rejected(run(target, { kafka: broker.bootstrap[0]!, 'schema-registry': url }));
    assert.is(down.exitCode, 106);
    assert.ok(down.message.includes(`schema registry at ${url} unreachable`), down.message);
  } finally {
    if (saved !== undefined) process.env.PIPELAB_SCHEMA_REGISTRY = saved;
  }
});

test('a schema the registry refuses as incompatible fails the setup with its message', async () => {
  const url = broker.schemaRegistry!.url;
  const evolved = { ...ORDER, fields: [...ORDER.fields, { name: 'channel', type: 'string' }] };
  const e = await rejected(
    run(
      {
        type: 'kafka',
        produce: {
          topic: 'orders-sr',
          generator: ({ index }: { index: number }) => ({ amount: index, channel: 'web' }),
          idField: 'orderId',
          format: 'avro-confluent',
          schema: evolved,
        },
      },
      { kafka: broker.bootstrap[0]!, 'schema-registry': url },
    ),
  );
  assert.is(e.exitCode, 104);
  assert.match(
    e.message,
    /^target\.produce\.schema: the schema registry at .* said .*incompatible .*"orders-sr-value"/,
  );
});

test.run();
