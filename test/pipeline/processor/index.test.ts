/**
 * The stream processor through the embedded broker with real kafkajs clients: dead-letter with
 * the reason in headers, decisions with their headers, and at-least-once across a processor
 * killed mid-chunk (accounting shows every event; the redelivered chunk shows up as duplicates).
 * The model is a stub scorer so the suite does not load tfjs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { EventLedger } from '../../../harness/targets/pipeline/accounting.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { StreamProcessor, PIPELINE_HEADERS as H, header, type Scorer } from '../../../pipeline/processor/index.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { createTransactionStream } from '../../../generators/transactions.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { crashOnCall, seededTransactions, sendTransactions, stubScorer, until } from '../../helpers/processor.ts';

const { Kafka, logLevel } = kafkajs;

async function env(partitions = 4) {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, { partitions });
  return { broker, kafka };
}

function processor(broker: Broker, model: Scorer, o: Partial<ConstructorParameters<typeof StreamProcessor>[0]> = {}) {
  return new StreamProcessor({
    brokers: broker.bootstrap,
    store: new MemoryFeatureStore(),
    model,
    compression: 'none',
    sessionTimeoutMs: 1500,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 1500,
    lagEveryMs: 0,
    ...o,
  });
}

/** a results consumer feeding a ledger */
async function watch(
  kafka: InstanceType<typeof Kafka>,
  ledger: EventLedger,
  seen: { dead: Array<Record<string, string | undefined>>; results: number },
): Promise<Consumer> {
  const c = kafka.consumer({
    groupId: `watch-${Math.random()}`,
    maxWaitTimeInMs: 20,
    sessionTimeout: 1500,
    heartbeatInterval: 100,
  });
  await c.connect();
  await c.subscribe({ topics: [TOPICS.fraudDecisions, TOPICS.deadLetter], fromBeginning: true });
  await c.run({
    eachMessage: async ({ topic, message }) => {
      const id = header(message.headers, H.eventId) as string;
      seen.results++;
      if (topic === TOPICS.deadLetter) {
        const reason = header(message.headers, H.reason) ?? '?';
        seen.dead.push({
          id,
          reason,
          detail: header(message.headers, H.detail),
          offset: header(message.headers, H.sourceOffset),
        });
        ledger.deadLettered(id, reason);
      } else ledger.decided(id, 'model', 'stub');
    },
  });
  return c;
}

// both result writers: @platformatic/kafka (the default) and kafkajs (producerClient 'kafkajs', with CompleteSender)
for (const producerClient of ['platformatic', 'kafkajs'] as const)
  test(`a malformed event ends in dead-letter with its reason; valid ones decided (${producerClient})`, async () => {
    const { broker, kafka } = await env(2);
    const p = processor(broker, stubScorer(), { producerClient });
    const ledger = new EventLedger();
    const seen = { dead: [] as Array<Record<string, string | undefined>>, results: 0 };
    const producer = kafka.producer();
    let w: Consumer | undefined;
    try {
      await p.start();
      w = await watch(kafka, ledger, seen);
      await producer.connect();
      const [a, b] = createTransactionStream({ seed: 3 }).take(2);
      const msgs = [
        { id: 'ok-1', value: transactionToJson(a!) },
        { id: 'bad-json', value: '{"id": "x", "amount": 1' },
        { id: 'bad-schema', value: transactionToJson({ ...b!, amount: -5 }) },
        {
          id: 'bad-channel',
          value: transactionToJson(b!).replace(`"channel":"${b!.channel}`, '"channel":"carrier-pigeon'),
        },
      ];
      for (const m of msgs) ledger.produced(m.id, m.id.startsWith('bad'));
      await producer.send({
        topic: TOPICS.transactions,
        messages: msgs.map((m) => ({
          key: 'u',
          value: m.value,
          headers: { [H.eventId]: m.id, [H.sentMs]: String(Date.now()) },
        })),
      });
      await until(() => ledger.outstanding === 0);
      const acc = ledger.finish(0);
      assert.is(acc.missing, 0);
      assert.is(acc.decided, 1);
      assert.is(acc.deadLettered, 3);
      const byId = Object.fromEntries(seen.dead.map((d) => [d.id, d]));
      assert.is(byId['bad-json']?.reason, 'malformed-json');
      assert.is(byId['bad-schema']?.reason, 'schema');
      assert.match(byId['bad-schema']?.detail ?? '', /amount/);
      assert.is(byId['bad-channel']?.reason, 'schema');
      assert.match(byId['bad-channel']?.detail ?? '', /channel/);
      assert.ok(byId['bad-json']?.offset !== undefined, 'source offset carried');
      assert.is(p.stats().deadLetters, 3);
    } finally {
      await w?.disconnect();
      await producer.disconnect();
      await p.stop();
      await broker.close();
    }
  });

test(
  'windows close on the watermark to processed-events; an event beyond the allowed lateness is ' +
    'dead-lettered as late',
  async () => {
    const { broker, kafka } = await env(1);
    const p = processor(broker, stubScorer(), { windows: { sizeMs: 60_000, allowedLatenessMs: 10_000 } });
    const ledger = new EventLedger();
    const seen = { dead: [] as Array<Record<string, string | undefined>>, results: 0 };
    const producer = kafka.producer();
    const aggregates: Array<{ userId: string; windowStart: number; count: number; sum: number }> = [];
    const agg = kafka.consumer({ groupId: 'agg', maxWaitTimeInMs: 20 });
    let w: Consumer | undefined;
    try {
      await p.start();
      w = await watch(kafka, ledger, seen);
      await agg.connect();
      await agg.subscribe({ topic: TOPICS.processedEvents, fromBeginning: true });
      await agg.run({
        eachMessage: async ({ message }) => void aggregates.push(JSON.parse(message.value!.toString())),
      });
      await producer.connect();
      const [base] = createTransactionStream({ seed: 4 }).take(1);
      const T = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
      const at = (id: string, t: number, amount: number) => ({
        key: 'u1',
        value: transactionToJson({ ...base!, id, userId: 'u1', eventTime: t, amount }),
        headers: { [H.eventId]: id },
      });
      // one at a time, so each is its own chunk and the watermark moves between them
      const sends = [
        at('a', T + 1_000, 10),
        at('b', T + 30_000, 20),
        at('c', T + 75_000, 1),
        at('late', T + 5_000, 99),
        at('d', T + 140_000, 1),
      ];
      for (const m of sends) {
        ledger.produced(m.headers[H.eventId], false);
        await producer.send({ topic: TOPICS.transactions, messages: [m] });
        await until(() => seen.results >= sends.indexOf(m) + 1);
      }
      await until(() => aggregates.length >= 2);
      assert.is(ledger.finish(0).missing, 0);
      assert.equal(
        seen.dead.map((d) => [d.id, d.reason]),
        [['late', 'late']],
      );
      assert.match(seen.dead[0]?.detail ?? '', /watermark/);
      // watermark after c = T+65s closes [T, T+60s): a + b; after d = T+130s closes [T+60s, T+120s): c
      assert.equal(
        aggregates.map((a) => [a.windowStart - T, a.count, a.sum]),
        [
          [0, 2, 30],
          [60_000, 1, 1],
        ],
      );
      assert.is(p.stats().late, 1);
      assert.is(p.stats().windowsClosed, 2);
    } finally {
      await w?.disconnect();
      await agg.disconnect();
      await producer.disconnect();
      await p.stop();
      await broker.close();
    }
  },
);

test(
  'a processor killed mid-chunk loses nothing: the survivor takes over and redelivery shows as ' + 'duplicates',
  async () => {
    const { broker, kafka } = await env(4);
    // the victim crashes while scoring its twelfth chunk (partitions run concurrently, so about the
    // third of each batch): the chunks before it in those batches were written and resolved but not
    // yet committed (a batch commits at its end), so they come back
    const { victim: a, killed } = crashOnCall(12, (model) => processor(broker, model, { id: 'victim', chunkSize: 10 }));
    const b = processor(broker, stubScorer(), { id: 'survivor', chunkSize: 50 });
    const ledger = new EventLedger();
    const seen = { dead: [] as Array<Record<string, string | undefined>>, results: 0 };
    const producer = kafka.producer();
    let w: Consumer | undefined;
    const N = 1200;
    try {
      await a.start();
      w = await watch(kafka, ledger, seen);
      await producer.connect();
      const txs = seededTransactions(N);
      for (const t of txs) ledger.produced(t.id, false);
      await sendTransactions(producer, txs);
      await until(killed);
      // a crash sends no LeaveGroup: the coordinator still counts the victim until its session times out
      const admin = kafka.admin();
      await admin.connect();
      const { groups } = await admin.describeGroups([a.groupId]);
      await admin.disconnect();
      assert.ok(
        groups[0]?.members.some((m) => m.clientId === 'victim'),
        `the crashed member is still in the group: ${JSON.stringify(groups[0]?.members.map((m) => m.clientId))}`,
      );
      await b.start();
      await until(() => ledger.outstanding === 0, 20_000);
      const acc = ledger.finish(0);
      assert.ok(killed(), 'the victim was killed');
      assert.is(acc.missing, 0, `missing: ${acc.missingSample.join(',')}`);
      assert.is(acc.decided + acc.deadLettered, N);
      assert.is(acc.deadLettered, N / 100);
      assert.ok(acc.duplicates >= 1, `the killed chunk was redelivered (duplicates ${acc.duplicates})`);
      assert.is(seen.results, acc.decided + acc.deadLettered + acc.duplicates);
      assert.ok(b.stats().records > 0);
    } finally {
      await w?.disconnect();
      await producer.disconnect();
      await b.stop();
      await a.kill();
      await broker.close();
    }
  },
);

test(
  'without a lag function the group lag comes from admin offsets and is exported with the other ' + 'metrics',
  async () => {
    const { broker, kafka } = await env(2);
    const recorded = new Map<string, number[]>();
    const rec = (name: string) => (v: number) => void (recorded.get(name) ?? recorded.set(name, []).get(name)!).push(v);
    const metrics = {
      trend: (n: string) => ({ add: (v: number) => rec(n)(v) }),
      counter: (n: string) => ({ add: (v: number) => rec(n)(v) }),
      gauge: (n: string) => ({ set: (v: number) => rec(n)(v) }),
    };
    const p = processor(
      broker,
      stubScorer(() => new Promise((r) => setTimeout(r, 30))),
      { lagEveryMs: 50, metrics, chunkSize: 20 },
    );
    const producer = kafka.producer();
    try {
      await producer.connect();
      const txs = createTransactionStream({ seed: 8 }).take(300);
      await producer.send({
        topic: TOPICS.transactions,
        messages: txs.map((t) => ({ key: t.userId, value: transactionToJson(t), headers: { [H.eventId]: t.id } })),
      });
      await p.start();
      await until(() => p.stats().decisions === 300);
      await until(() => (recorded.get('processor_lag') ?? []).length >= 3 && p.stats().lag === 0, 5000);
      const lags = recorded.get('processor_lag') ?? [];
      assert.ok(lags.length >= 3, `lag samples ${lags.length}`);
      assert.ok(Math.max(...lags) > 0 && lags.every((x) => x >= 0 && x <= 300), lags.join(','));
      assert.is(p.stats().lag, 0);
      assert.is(
        (recorded.get('processor_decisions') ?? []).reduce((a, b) => a + b, 0),
        300,
      );
      for (const n of [
        'processor_stage_features',
        'processor_stage_inference',
        'processor_stage_sink',
        'processor_in_flight',
      ])
        assert.ok(recorded.has(n), n);
    } finally {
      await producer.disconnect();
      await p.stop();
      await broker.close();
    }
  },
);

test('a rebalance drops the features of users whose partitions moved away: one processor holds each user', async () => {
  const { broker, kafka } = await env(4);
  const a = processor(broker, stubScorer(), { id: 'first' });
  const b = processor(broker, stubScorer(), { id: 'second' });
  const producer = kafka.producer();
  const txs = seededTransactions(1200);
  const users = (t: typeof txs) => new Set(t.map((x) => x.userId)).size;
  try {
    await a.start();
    await producer.connect();
    await sendTransactions(producer, txs.slice(0, 600), false);
    await until(() => a.stats().decisions >= 600);
    assert.is(a.stats().featureUsers, users(txs.slice(0, 600)), 'the only member holds every user');
    // b joins: each takes two of the four partitions, and a keeps the users of its two only
    await b.start();
    await sendTransactions(producer, txs.slice(600), false);
    await until(() => a.stats().decisions + b.stats().decisions >= 1200 && b.stats().decisions > 0);
    const [fa, fb] = [a.stats().featureUsers ?? 0, b.stats().featureUsers ?? 0];
    assert.ok(fb > 0, 'the new member holds the users of its partitions');
    assert.ok(fa < users(txs.slice(0, 600)), `a dropped the users of the partitions it lost (holds ${fa})`);
    assert.ok(fa + fb <= users(txs), `no user held twice: ${fa} + ${fb} of ${users(txs)} users`);
  } finally {
    await producer.disconnect();
    await Promise.all([a.stop(), b.stop()]);
    await broker.close();
  }
});

/**
 * sends `count` transactions, starts the processor and waits until every one is decided or dead-lettered (or `ms`
 * passed); then asserts none is missing, runs `check` and tears everything down
 */
async function decideAll(
  partitions: number,
  make: (broker: Broker) => StreamProcessor,
  txs: { seed: number; users: number; count: number },
  check: (p: StreamProcessor) => void,
): Promise<void> {
  const { broker, kafka } = await env(partitions);
  const p = make(broker);
  const ledger = new EventLedger();
  const seen = { dead: [] as Array<Record<string, string | undefined>>, results: 0 };
  const producer = kafka.producer();
  let w: Consumer | undefined;
  try {
    await producer.connect();
    const sent = createTransactionStream({ seed: txs.seed, users: { count: txs.users, zipf: 1 } }).take(txs.count);
    for (const t of sent) ledger.produced(t.id, false);
    await producer.send({
      topic: TOPICS.transactions,
      messages: sent.map((t) => ({ key: t.userId, value: transactionToJson(t), headers: { [H.eventId]: t.id } })),
    });
    w = await watch(kafka, ledger, seen);
    await p.start();
    await until(() => ledger.outstanding === 0);
    assert.is(ledger.finish(0).missing, 0);
    check(p);
  } finally {
    await w?.disconnect();
    await producer.disconnect();
    await p.stop();
    await broker.close();
  }
}

test('backpressure pauses partitions when in-flight records pass the bound, and everything still ends', async () => {
  const slow = stubScorer(() => new Promise((r) => setTimeout(r, 5)));
  await decideAll(
    4,
    (broker) => processor(broker, slow, { maxInFlight: 20, chunkSize: 10, concurrency: 4 }),
    { seed: 5, users: 100, count: 400 },
    (p) => {
      assert.ok(p.stats().pauses > 0, 'paused at least once');
      assert.is(p.stats().inFlight, 0);
    },
  );
});

test('options given as undefined keep their defaults (chunk size, in-flight bound): every event decided', async () => {
  // the harness passes `maxInFlight: o.maxInFlight` whether or not a scenario set it; a spread over the defaults
  // made that undefined, so backpressure never paused, and an undefined chunkSize sliced every batch to nothing
  await decideAll(
    2,
    (broker) => processor(broker, stubScorer(), { chunkSize: undefined, maxInFlight: undefined }),
    { seed: 9, users: 20, count: 50 },
    (p) => assert.is(p.stats().decisions, 50),
  );
});

test(
  'a chunk that waits on a slow dependency past the session timeout keeps its partitions (heartbeats ' +
    'while it waits): no rebalance, no event processed twice',
  async () => {
    const { broker, kafka } = await env(1);
    // the second chunk's scoring stalls for 3 session timeouts (Redis down, a slow model server)
    const p = processor(
      broker,
      stubScorer((call) => (call === 2 ? new Promise((r) => setTimeout(r, 4500)) : undefined)),
      { chunkSize: 50 },
    );
    const ledger = new EventLedger();
    const seen = { dead: [] as Array<Record<string, string | undefined>>, results: 0 };
    const producer = kafka.producer();
    let w: Consumer | undefined;
    const N = 200;
    try {
      await producer.connect();
      const txs = seededTransactions(N);
      for (const t of txs) ledger.produced(t.id, false);
      await sendTransactions(producer, txs, false);
      w = await watch(kafka, ledger, seen);
      await p.start();
      await until(() => ledger.outstanding === 0);
      const acc = ledger.finish(0);
      assert.is(acc.missing, 0);
      assert.is(acc.duplicates, 0, 'a lapsed session hands the batch to a rejoin, which processes it again');
      assert.is(seen.results, N);
      assert.is(p.stats().duplicates, 0);
    } finally {
      await w?.disconnect();
      await producer.disconnect();
      await p.stop();
      await broker.close();
    }
  },
);

test.run();
