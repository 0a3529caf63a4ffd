/**
 * kafkajs 2.2.4 transactions on the replicated cluster (3 node processes, RF 3): the coordinator
 * of a transactional id is the leader of its __transaction_state partition, markers reach every
 * partition's leader over the control mesh, read_committed holds on every leader; and the
 * coordinator or a partition leader SIGKILLed inside an open transaction: the next coordinator
 * resumes it from the replicated state (commit lands once, offsets committed with it), a new
 * producer instance fences and aborts what the old one left open.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../broker/index.ts';
import { TXN_TOPIC, txnPartitionFor } from '../../broker/txn/txn-log.ts';
import { readValues } from '../helpers/read-values.ts';
import { RawClient } from './raw-client.ts';
import { FAST } from './replication-run.ts';

const { Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const client = (broker: Broker) =>
  new Kafka({
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
    requestTimeout: 10_000,
  });

const txProducer = (broker: Broker, id: string) =>
  client(broker).producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });

const msgs = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ partition: i % 3, value: `${tag}${i}` }));

/**
 * every value of `topic`, sorted (three partitions: no order across them), read_committed unless
 * `readUncommitted`, by a fresh client once `until` holds (within 30 s, with a 100 ms fetch wait)
 */
const readAll = async (broker: Broker, topic: string, readUncommitted: boolean, until: (v: string[]) => boolean) =>
  (await readValues(client(broker), topic, until, { readUncommitted, ms: 30_000, maxWaitTimeInMs: 100 })).sort();

const coordinatorOf = (broker: Broker, id: string) =>
  broker.replication!.view()!.leaders[TXN_TOPIC]![txnPartitionFor(id)]!;

let broker: Broker;
test.before(async () => {
  broker = await startBroker(FAST);
  await broker.replication!.until((v) => (v.leaders[TXN_TOPIC] ?? []).length > 0);
});
test.after(async () => {
  await broker.close();
});

test('commit, abort, commit across three leaders; sendOffsets commits with the transaction only', async () => {
  await broker.createTopic('rtx', { partitions: 3, replicationFactor: 3 });
  const leaders = broker.replication!.view()!.leaders.rtx!;
  assert.is(new Set(leaders).size, 3, 'each partition led by another node');
  const p = txProducer(broker, 'rtx-basic');
  await p.connect();
  for (const [tag, commit] of [
    ['c', true],
    ['a', false],
    ['d', true],
  ] as const) {
    const tx = await p.transaction();
    await tx.send({ topic: 'rtx', messages: msgs(tag, 6) });
    await tx.sendOffsets({
      consumerGroupId: 'rtx-group',
      topics: [
        { topic: 'rtx', partitions: [{ partition: 0, offset: tag === 'a' ? '99' : String(tag.charCodeAt(0)) }] },
      ],
    });
    await (commit ? tx.commit() : tx.abort());
  }
  await p.disconnect();
  const committed = await readAll(broker, 'rtx', false, (v) => v.filter((x) => x.startsWith('d')).length === 6);
  assert.equal(committed, [...msgs('c', 6), ...msgs('d', 6)].map((m) => m.value).sort());
  const all = await readAll(broker, 'rtx', true, (v) => v.length === 18);
  assert.is(all.filter((v) => v.startsWith('a')).length, 6);
  const admin = client(broker).admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'rtx-group', topics: ['rtx'] });
  await admin.disconnect();
  assert.is(offsets[0]!.partitions.find((x) => x.partition === 0)!.offset, String('d'.charCodeAt(0)));
});

test('the coordinator SIGKILLed inside a transaction: the next one resumes it, commit lands once', async () => {
  await broker.createTopic('rtx-kill', { partitions: 3, replicationFactor: 3 });
  const id = 'rtx-kill-coord';
  const p = txProducer(broker, id);
  await p.connect();
  const tx = await p.transaction();
  await tx.send({ topic: 'rtx-kill', messages: msgs('k', 6) });
  await tx.sendOffsets({
    consumerGroupId: 'rtx-kill-group',
    topics: [{ topic: 'rtx-kill', partitions: [{ partition: 1, offset: '42' }] }],
  });
  const victim = coordinatorOf(broker, id);
  await broker.nodes![victim]!.kill();
  await broker.replication!.until((v) => v.leaders[TXN_TOPIC]![txnPartitionFor(id)] !== victim);
  await tx.commit();
  await p.disconnect();
  const got = await readAll(broker, 'rtx-kill', false, (v) => v.length >= 6);
  assert.equal(
    got,
    msgs('k', 6)
      .map((m) => m.value)
      .sort(),
  );
  const admin = client(broker).admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'rtx-kill-group', topics: ['rtx-kill'] });
  await admin.disconnect();
  assert.is(offsets[0]!.partitions.find((x) => x.partition === 1)!.offset, '42');
  await broker.nodes![victim]!.restart();
  await broker.replication!.until((v) => v.alive.length === 3);
});

test('a partition leader SIGKILLed before the commit: its marker goes to the new leader, the LSO moves', async () => {
  await broker.createTopic('rtx-leader', { partitions: 3, replicationFactor: 3 });
  const id = 'rtx-leader-kill';
  const coordinator = coordinatorOf(broker, id);
  // a partition whose leader is not the coordinator
  const leaders = broker.replication!.view()!.leaders['rtx-leader']!;
  const victim = leaders.find((l) => l !== coordinator)!;
  const p = txProducer(broker, id);
  await p.connect();
  const tx = await p.transaction();
  await tx.send({ topic: 'rtx-leader', messages: msgs('m', 6) });
  await broker.nodes![victim]!.kill();
  await broker.replication!.until((v) => v.leaders['rtx-leader']!.every((l) => l !== victim && l >= 0));
  await tx.commit();
  const tx2 = await p.transaction();
  await tx2.send({ topic: 'rtx-leader', messages: msgs('n', 6) });
  await tx2.commit();
  await p.disconnect();
  const got = await readAll(broker, 'rtx-leader', false, (v) => v.length >= 12);
  assert.equal(got, [...msgs('m', 6), ...msgs('n', 6)].map((m) => m.value).sort());
  await broker.nodes![victim]!.restart();
  await broker.replication!.until((v) => v.alive.length === 3);
});

test('after a coordinator death a new instance of the producer fences the old and aborts its transaction', async () => {
  await broker.createTopic('rtx-fence', { partitions: 3, replicationFactor: 3 });
  const id = 'rtx-fence';
  const zombie = txProducer(broker, id);
  await zombie.connect();
  const open = await zombie.transaction();
  const to = (partition: number, tag: string) => msgs(tag, 6).map((m) => ({ ...m, partition }));
  // the zombie writes to partition 0, its successor to partition 1 only: partition 0 learns the new epoch
  // from the abort marker alone
  await open.send({ topic: 'rtx-fence', messages: to(0, 'z') });
  const victim = coordinatorOf(broker, id);
  await broker.nodes![victim]!.kill();
  await broker.replication!.until((v) => v.leaders[TXN_TOPIC]![txnPartitionFor(id)] !== victim);
  const fresh = txProducer(broker, id);
  await fresh.connect();
  const tx = await fresh.transaction();
  await tx.send({ topic: 'rtx-fence', messages: to(1, 'f') });
  await tx.commit();
  // the abort markers carried the new epoch: the zombie's writes to those partitions are refused too
  let refused = false;
  await open.send({ topic: 'rtx-fence', messages: to(0, 'y') }).catch(() => {
    refused = true;
  });
  assert.ok(refused, "the zombie's produce is refused");
  let fenced = false;
  await open.commit().catch(() => {
    fenced = true;
  });
  assert.ok(fenced, "the zombie's commit is refused");
  await fresh.disconnect();
  await zombie.disconnect();
  const got = await readAll(broker, 'rtx-fence', false, (v) => v.length >= 6);
  assert.equal(
    got,
    msgs('f', 6)
      .map((m) => m.value)
      .sort(),
  );
  const all = await readAll(broker, 'rtx-fence', true, (v) => v.length >= 12);
  assert.is(all.filter((v) => v.startsWith('z')).length, 6, 'the aborted records are in the log');
  await broker.nodes![victim]!.restart();
  await broker.replication!.until((v) => v.alive.length === 3);
});

test('FindCoordinator (key type 1) names the coordinator; any other node answers NOT_COORDINATOR', async () => {
  const id = 'rtx-raw';
  const coordinator = coordinatorOf(broker, id);
  const other = [0, 1, 2].find((n) => n !== coordinator)!;
  const addr = (n: number) => `${broker.nodes![n]!.host}:${broker.nodes![n]!.port}`;
  const raw = await RawClient.connect(addr(other));
  try {
    const find = await raw.send(10, 1, (w) => w.string(id).int8(1))!;
    find.int32();
    assert.is(find.int16(), 0);
    find.nullableString();
    assert.is(find.int32(), coordinator);
    const init = await raw.send(22, 1, (w) => w.nullableString(id).int32(60_000))!;
    init.int32();
    assert.is(init.int16(), 16, 'NOT_COORDINATOR');
    const end = await raw.send(26, 1, (w) => w.string(id).int64(1).int16(0).bool(true))!;
    end.int32();
    assert.is(end.int16(), 16, 'NOT_COORDINATOR');
  } finally {
    raw.close();
  }
  const direct = await RawClient.connect(addr(coordinator));
  try {
    const init = await direct.send(22, 1, (w) => w.nullableString(id).int32(60_000))!;
    init.int32();
    assert.is(init.int16(), 0);
    assert.ok(init.int64() >= 0);
    assert.is(init.int16(), 0, 'first epoch');
  } finally {
    direct.close();
  }
});

test.run();
