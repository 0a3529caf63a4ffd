/** Fetch's min_bytes: the request stays parked until enough bytes came or max_wait_ms passed, as on Kafka. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterOf, startBroker, type Broker } from '../../broker/index.ts';
import { encodeBatch } from '../../broker/protocol/record-batch.ts';
import { RawClient } from './raw-client.ts';
import { fetchBody, produceBody, readFetch } from './raw-requests.ts';

let broker: Broker;
let producer: RawClient;
let fetcher: RawClient;
test.before(async () => {
  broker = await startBroker();
  producer = await RawClient.connect(broker.bootstrap[0]!);
  fetcher = await RawClient.connect(broker.bootstrap[0]!);
});
test.after(async () => {
  producer.close();
  fetcher.close();
  await broker.close();
});

const batch = (text: string) => encodeBatch([{ value: Buffer.from(text) }], { now: Date.now() });
const produce = (topic: string, text: string) => producer.send(0, 7, produceBody(topic, batch(text)));

function watch<T>(p: Promise<T>) {
  const state = { answered: false };
  void p.then(() => {
    state.answered = true;
  });
  return state;
}

test('a Fetch with min_bytes N stays parked below N bytes and answers once N have come', async () => {
  broker.createTopic('min-n');
  const size = batch('x1').length;
  const pending = fetcher.send(1, 11, fetchBody('min-n', 30_000, 2 * size + 1))!;
  const state = watch(pending);
  await produce('min-n', 'x1');
  await produce('min-n', 'x2');
  // two round trips on the producer's connection later (the check runs right after each append)
  await producer.send(18, 0, () => {});
  await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(state.answered, 'two batches are fewer than min_bytes');
  await produce('min-n', 'x3');
  const got = readFetch(await pending);
  assert.is(got.error, 0);
  assert.is(got.hwm, 3);
  assert.is(got.records.length, 3 * size);
  for (const t of ['x1', 'x2', 'x3']) assert.ok(got.records.includes(Buffer.from(t)), t);
  assert.is(clusterOf(broker).closeListenerCount, 0);
});

test('at max_wait_ms a Fetch below min_bytes answers with what is there', async () => {
  broker.createTopic('min-wait');
  const pending = fetcher.send(1, 11, fetchBody('min-wait', 100, 1 << 20))!;
  await produce('min-wait', 'only');
  const got = readFetch(await pending);
  assert.is(got.error, 0);
  assert.is(got.hwm, 1);
  assert.ok(got.records.includes(Buffer.from('only')));
});

test('enough bytes already there answer at once, however long max_wait_ms', async () => {
  broker.createTopic('min-there');
  await produce('min-there', 'a');
  await produce('min-there', 'b');
  const size = batch('a').length;
  // at 30 s of max wait, a parked request would outlast the test runner's patience
  const got = readFetch((await fetcher.send(1, 11, fetchBody('min-there', 30_000, 2 * size)))!);
  assert.is(got.records.length, 2 * size);
});

test.run();
