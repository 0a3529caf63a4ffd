/**
 * Two runs of one scenario, same seed, against one Kafka that outlives them (a broker of one's
 * own): the second run's events are new events, not redeliveries of the first's. Before the
 * pipeline target scoped its ids to the run, the processors' dedup state (restored from the first
 * run's changelog) dropped every one: 100 produced, 0 decided, 100 missing. The kafka target sent
 * the same ids twice too, which a team's own deduplicating pipeline would drop the same way.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Broker, startBroker } from '../../../broker/index.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import kafkajs from 'kafkajs';

let broker: Broker;
test.before(async () => {
  broker = await startBroker({});
});
test.after(async () => {
  await broker?.close();
});

const run = (name: string) =>
  runScenario(
    validateScenario({
      name,
      seed: 5,
      services: { kafka: broker.bootstrap.join(','), 'redis-mode': 'embedded' },
      target: {
        type: 'pipeline',
        processors: 1,
        partitions: 2,
        malformedShare: 0.02,
        drainTimeout: '20s',
        userEvents: { share: 0.2 },
      },
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 50, duration: '2s', preAllocatedVUs: 20, maxVUs: 200 },
      },
    }),
  );

test('a second run of the same seed on the same Kafka: no event of it taken for a redelivery', async () => {
  for (const name of ['first', 'second']) {
    const acc = (await run(name)).extra?.accounting as Accounting;
    assert.ok(acc.produced >= 60, `${name}: produced ${acc.produced}`);
    assert.is(acc.missing, 0, `${name}: missing ${acc.missing} of ${acc.produced}`);
    assert.is(acc.decided + acc.deadLettered, acc.produced, name);
    // and every user event taken before the processors stop: none left for the next run (missing here, excess there)
    assert.is(acc.userEvents?.missing, 0, `${name}: user events missing`);
    assert.is(acc.userEvents?.excess, 0, `${name}: user events excess`);
  }
});

test('the kafka target: two runs of one seed on one Kafka send no id twice', async () => {
  for (const name of ['first', 'second'])
    await runScenario(
      validateScenario({
        name,
        seed: 5,
        services: { kafka: broker.bootstrap.join(',') },
        target: { type: 'kafka', produce: { topic: 'rerun-k', generator: 'transactions' }, drainTimeout: '5s' },
        executors: { main: { executor: 'per-vu-iterations', vus: 2, iterations: 50 } },
      }),
    );
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'rerun-check' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'rerun-k', fromBeginning: true });
  const ids: string[] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      ids.push((JSON.parse(String(message.value)) as { id: string }).id);
      if (ids.length >= 200) done();
    },
  });
  await all;
  await consumer.disconnect();
  assert.is(ids.length, 200);
  assert.is(new Set(ids).size, 200, 'distinct ids');
});

test.run();
