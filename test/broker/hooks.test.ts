/** Fault hooks: broker.control(apiKey, fn) injects errors, latency, closed and dropped requests. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { startBroker, type Broker, type RequestInfo } from '../../broker/index.ts';
import { assertServedCleanly } from '../helpers/broker-clean.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const PRODUCE = 0,
  FETCH = 1,
  METADATA = 3;

let broker: Broker;
let kafka: InstanceType<typeof Kafka>;
test.before(async () => {
  broker = await startBroker({ minSessionTimeoutMs: 1000 });
  kafka = new Kafka({
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 30, maxRetryTime: 200 },
  });
});
test.after(async () => {
  await broker.close();
});

test('an injected retriable error code is seen by the client, which retries and succeeds', async () => {
  let injected = 0;
  const hook = broker.control(PRODUCE, () => {
    if (injected >= 2) return undefined;
    injected++;
    return { errorCode: 6 /* NOT_LEADER_OR_FOLLOWER */ };
  });
  const p = kafka.producer();
  await p.connect();
  const res = await p.send({ topic: 'hooked', messages: [{ value: 'x' }] });
  await p.disconnect();
  hook.remove();
  assert.is(injected, 2);
  assert.is(res[0]!.errorCode, 0);
  assert.is(res[0]!.baseOffset, '0', 'the refused attempts stored nothing');
});

test('hooks chain in order: delays add up and the first answering hook wins', async () => {
  const calls: string[] = [];
  const seen: RequestInfo[] = [];
  const a = broker.control(METADATA, (req) => {
    calls.push('a');
    seen.push(req);
    return { delayMs: 5 };
  });
  const b = broker.control(-1, (req) => {
    if (req.apiKey === METADATA) calls.push('b');
    return undefined;
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.listTopics();
  await admin.disconnect();
  a.remove();
  b.remove();
  assert.ok(calls.length >= 2);
  assert.equal(calls.slice(0, 2), ['a', 'b']);
  assert.is(seen[0]!.apiName, 'Metadata');
});

test('a closed Fetch connection makes the consumer reconnect and carry on', async () => {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic: 'closing', messages: Array.from({ length: 10 }, (_, i) => ({ value: `c${i}` })) });
  let closes = 0;
  const hook = broker.control(FETCH, () => {
    if (closes >= 2) return undefined;
    closes++;
    return { close: true };
  });
  const c = kafka.consumer({ groupId: 'g-close', sessionTimeout: 3000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  await c.connect();
  await c.subscribe({ topic: 'closing', fromBeginning: true });
  const got = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`got ${got.size}`)), 15_000);
    void c.run({
      eachMessage: async ({ message }) => {
        got.add(message.value!.toString());
        if (got.size === 10) {
          clearTimeout(t);
          resolve();
        }
      },
    });
  });
  await c.disconnect();
  await p.disconnect();
  hook.remove();
  assert.is(closes, 2);
  assert.is(got.size, 10);
});

test('a stopped and restarted broker keeps its data', async () => {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic: 'kept', messages: [{ value: 'before' }] });
  await p.disconnect();
  await broker.stopBroker(0);
  assert.equal(broker.bootstrap, []);
  await broker.startBroker(0);
  const admin = kafka.admin();
  await admin.connect();
  const offs = await admin.fetchTopicOffsets('kept');
  await admin.disconnect();
  assert.is(offs[0]!.high, '1');
});

test('the broker met no internal error while serving these clients', () => {
  if (broker) assertServedCleanly(broker);
});

test.run();
