/**
 * The results observer's two clients (target.observerClient) read the same results into the same
 * observations: decisions, dead letters (with samples) and window aggregates, written in
 * transactions on the embedded broker, one of them aborted. Under read_committed neither client
 * ever shows an aborted transaction's results, and a batch seen again is dropped on both.
 * Counts and contents only, no timings.
 */
import kafkajs from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../../broker/index.ts';
import { type ObserverClient, openResultsConsumer } from '../../../harness/targets/pipeline/observer.ts';
import { readBatch } from '../../../harness/targets/pipeline/results.ts';
import { H, stageValue } from '../../../pipeline/processor/headers.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';

const decision = (id: string, partition: number) => ({
  key: `u${id}`,
  value: JSON.stringify({ source: 'model', modelVersion: 'v1', userId: `u${id}`, eventTime: 1000 + partition }),
  headers: {
    [H.eventId]: id,
    [H.sentMs]: '1700000000000.5',
    [H.stageMs]: stageValue(1700000000001, { featuresMs: 0.5, inferenceMs: 1.25, sinkMs: 1700000000003, records: 4 }),
    [H.sourcePartition]: String(partition),
    [H.sourceOffset]: id.replace(/\D/g, ''),
  },
});
const deadLetter = (id: string) => ({
  key: id,
  value: '{not json',
  headers: {
    [H.eventId]: id,
    [H.reason]: 'malformed-json',
    [H.sourceTopic]: TOPICS.transactions,
    [H.sourcePartition]: '1',
    [H.sourceOffset]: id.replace(/\D/g, ''),
  },
});
const aggregate = (count: number) => ({
  key: 'w',
  value: JSON.stringify({ kind: 'aggregate', count, userId: 'u1', windowStart: 60_000 }),
});

async function write(brokers: string[]) {
  const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 2 });
  const p = kafka.producer({ transactionalId: 'observer-clients', idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const inTxn = async (abort: boolean, ids: string[], dead: string[], count: number) => {
    const tx = await p.transaction();
    await tx.send({ topic: TOPICS.fraudDecisions, messages: ids.map((id, i) => decision(id, i % 2)) });
    await tx.send({ topic: TOPICS.deadLetter, messages: dead.map(deadLetter) });
    await tx.send({ topic: TOPICS.processedEvents, messages: [aggregate(count)] });
    await (abort ? tx.abort() : tx.commit());
  };
  await inTxn(false, ['e1', 'e2', 'e3', 'e4'], ['e5'], 4);
  await inTxn(true, ['a6', 'a7'], ['a8'], 3);
  await inTxn(false, ['e9', 'e10'], ['e11', 'e12'], 2);
  await p.disconnect();
}

/** what `client` observes, batch by batch re-read once (a rebalance's re-read), `expect` items in all */
async function observe(client: ObserverClient, brokers: string[], expect: number) {
  const seen = new Map<string, bigint>();
  const items: unknown[] = [];
  let batches = 0;
  let stopped = false;
  const c = await openResultsConsumer({ client, brokers, embedded: true }, (b) => {
    assert.not.ok(stopped, 'no batch after stop()');
    batches++;
    items.push(...readBatch(b, seen, true).items);
    assert.is(readBatch(b, seen, true).items.length, 0, 're-read dropped');
  });
  for (let i = 0; i < 200 && items.length < expect; i++) await new Promise((r) => setTimeout(r, 25));
  await c.stop();
  stopped = true;
  return { items, batches };
}

const order = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

test('kafkajs and platformatic observe the same committed results; aborted ones never', async () => {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  try {
    await write(broker.bootstrap);
    const expect = 6 + 3 + 2; // committed decisions, dead letters, aggregates
    const kj = await observe('kafkajs', broker.bootstrap, expect);
    const pl = await observe('platformatic', broker.bootstrap, expect);
    for (const got of [kj, pl]) {
      assert.is(got.items.length, expect);
      assert.ok(got.batches > 0);
      const text = JSON.stringify(got.items);
      assert.not.match(text, /"a\d/, 'no aborted result');
    }
    assert.equal(order(pl.items), order(kj.items));
    const one = pl.items.find((x) => (x as { id?: string }).id === 'e10') as Record<string, unknown>;
    assert.equal(one.tx, { userId: 'ue10', eventTime: 1001 });
    const at = one.at as { partition: number; offset: number; via: string };
    assert.equal([at.partition, at.offset], [1, 10]);
    assert.match(at.via, new RegExp(`^${TOPICS.fraudDecisions}/[01]$`));
    const dead = pl.items.find((x) => (x as { id?: string }).id === 'e5') as Record<string, unknown>;
    assert.is(dead.reason, 'malformed-json');
    assert.is((dead.sample as { value: string }).value, '{not json');
    const counts = pl.items
      .filter((x) => (x as { kind: string }).kind === 'aggregate')
      .map((x) => (x as { count: number }).count);
    assert.equal(counts.sort(), [2, 4], 'the aborted window aggregate (3) is not read; the committed ones are');
  } finally {
    await broker.close();
  }
});

test.run();
