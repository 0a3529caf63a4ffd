/**
 * kafkajs 2.2.4 transactions against the embedded broker: send + commit, abort, sendOffsets,
 * zombie fencing with two producers sharing a transactional.id, a transaction timeout on a
 * virtual clock; read_committed consumers never see aborted records, read_uncommitted see both.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { clusterOf, startBroker, type Broker } from '../../broker/index.ts';
import { txnsOf } from '../../broker/txn/coordinator.ts';
import { readValues } from '../helpers/read-values.ts';

const { Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let now = Date.now();
let broker: Broker;
let kafka: InstanceType<typeof Kafka>;

test.before(async () => {
  broker = await startBroker({ retentionCheckMs: 0, now: () => now });
  kafka = new Kafka({
    clientId: 'kjs-txn',
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
});
test.after(async () => {
  await broker.close();
});

const txProducer = (id: string) =>
  kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });

const msgs = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}${i}` }));

test('commit, abort, commit: read_committed sees only committed records, read_uncommitted all', async () => {
  const topic = 'tx-basic';
  broker.createTopic(topic, { partitions: 2 });
  const p = txProducer('tx-basic');
  await p.connect();
  for (const [tag, commit] of [
    ['c', true],
    ['a', false],
    ['d', true],
  ] as const) {
    const tx = await p.transaction();
    await tx.send({ topic, messages: msgs(tag, 5) });
    await (commit ? tx.commit() : tx.abort());
  }
  await p.disconnect();
  const committed = await readValues(kafka, topic, (v) => v.filter((x) => x.startsWith('d')).length === 5);
  assert.equal(committed.sort(), [...msgs('c', 5), ...msgs('d', 5)].map((m) => m.value).sort());
  const all = await readValues(kafka, topic, (v) => v.length === 15, { readUncommitted: true });
  assert.is(all.filter((v) => v.startsWith('a')).length, 5);
  const t = clusterOf(broker).topics.get(topic)!;
  // 15 records and 3 markers on each partition the transactions wrote to
  assert.is(
    t.partitions.reduce((s, x) => s + x.log.hwm, 0),
    15 + 3 * t.partitions.length,
  );
});

test('sendOffsets commits the group offsets with the transaction, and not on abort', async () => {
  broker.createTopic('tx-in');
  broker.createTopic('tx-out');
  const admin = kafka.admin();
  await admin.connect();
  const p = txProducer('tx-offsets');
  await p.connect();
  const tx = await p.transaction();
  await tx.send({ topic: 'tx-out', messages: msgs('o', 2) });
  await tx.sendOffsets({
    consumerGroupId: 'eos-group',
    topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '7' }] }],
  });
  const before = await admin.fetchOffsets({ groupId: 'eos-group', topics: ['tx-in'] });
  assert.is(before[0]!.partitions[0]!.offset, '-1', 'not visible before the commit');
  await tx.commit();
  const after = await admin.fetchOffsets({ groupId: 'eos-group', topics: ['tx-in'] });
  assert.is(after[0]!.partitions[0]!.offset, '7');
  const tx2 = await p.transaction();
  await tx2.sendOffsets({
    consumerGroupId: 'eos-group',
    topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '9' }] }],
  });
  await tx2.abort();
  const aborted = await admin.fetchOffsets({ groupId: 'eos-group', topics: ['tx-in'] });
  assert.is(aborted[0]!.partitions[0]!.offset, '7');
  await p.disconnect();
  await admin.disconnect();
});

test('a zombie sharing the transactional.id is fenced; its open transaction is aborted', async () => {
  const topic = 'tx-zombie';
  broker.createTopic(topic);
  const zombie = txProducer('tx-shared');
  await zombie.connect();
  const ztx = await zombie.transaction();
  await ztx.send({ topic, messages: msgs('z', 3) });
  const fresh = txProducer('tx-shared');
  await fresh.connect();
  // kafkajs sends the transactional InitProducerId at the first transaction(): it aborts the
  // zombie's open transaction and bumps the epoch
  const tx = await fresh.transaction();
  const err = await ztx.commit().then(
    () => undefined,
    (e: Error & { type?: string }) => e,
  );
  assert.ok(err, 'the zombie cannot commit');
  assert.match(String(err!.type ?? err!.message), /INVALID_PRODUCER_EPOCH|epoch|fenced/i);
  const zsend = await zombie
    .transaction()
    .then((t) => t.send({ topic, messages: msgs('y', 1) }))
    .then(
      () => undefined,
      (e: Error) => e,
    );
  assert.ok(zsend, 'nor send again');
  await tx.send({ topic, messages: msgs('f', 3) });
  await tx.commit();
  await fresh.disconnect();
  await zombie.disconnect().catch(() => {});
  const seen = await readValues(kafka, topic, (v) => v.length >= 3);
  assert.equal(seen, ['f0', 'f1', 'f2']);
});

test('a transaction open past its timeout is aborted (virtual clock), and its producer fenced', async () => {
  const topic = 'tx-timeout';
  broker.createTopic(topic);
  const p = kafka.producer({
    transactionalId: 'tx-slow',
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 10_000,
  });
  await p.connect();
  const tx = await p.transaction();
  await tx.send({ topic, messages: msgs('late', 2) });
  const txns = txnsOf(clusterOf(broker));
  assert.is(txns.expire(), 0, 'within its timeout');
  const log = clusterOf(broker).topics.get(topic)!.partitions[0]!.log;
  now += 10_001;
  assert.is(txns.expire(), 1);
  const err = await tx.commit().then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(err, 'the commit after the timeout fails');
  await p.disconnect().catch(() => {});
  assert.is(log.hwm, 3, 'two records and the abort marker');
  const uncommitted = await readValues(kafka, topic, (v) => v.length === 2, { readUncommitted: true });
  assert.equal(uncommitted, ['late0', 'late1']);
  const p2 = kafka.producer();
  await p2.connect();
  await p2.send({ topic, messages: [{ value: 'plain' }] });
  await p2.disconnect();
  assert.equal(await readValues(kafka, topic, (v) => v.length >= 1), ['plain']);
});

test('ACLs: a transaction writing to a topic it may not write to fails with TOPIC_AUTHORIZATION_FAILED', async () => {
  const b = await startBroker({
    retentionCheckMs: 0,
    acls: ['allow * all topic open-*', 'allow * describe topic *', 'allow * all group *'],
    topics: [{ name: 'open-tx' }, { name: 'closed-tx' }],
  });
  const k = new Kafka({ brokers: b.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const p = k.producer({ transactionalId: 'acl-tx', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
  try {
    await p.connect();
    const ok = await p.transaction();
    await ok.send({ topic: 'open-tx', messages: [{ value: 'fine' }] });
    await ok.commit();
    const tx = await p.transaction();
    const err = await tx.send({ topic: 'closed-tx', messages: [{ value: 'no' }] }).then(
      () => undefined,
      (e: Error & { type?: string }) => e,
    );
    assert.match(String(err?.type ?? err), /TOPIC_AUTHORIZATION_FAILED/);
    await tx.abort().catch(() => {});
  } finally {
    await p.disconnect().catch(() => {});
    await b.close();
  }
});

test.run();
