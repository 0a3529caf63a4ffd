/**
 * The replicated cluster (one OS process per node) under Kafka's ReplicationTest matrix:
 * clean/hard shutdown and clean/hard bounce of partition 0's leader and of the controller, with
 * acks=all and an idempotent kafkajs producer → every acknowledged value is consumed, none twice.
 * And the counter-example: acks=1 with the followers out of the ISR, a hard leader kill and
 * unclean election loses acknowledged values (counted), while clean election leaves the
 * partition without a leader instead.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { Broker } from '../../broker/index.ts';
import {
  check,
  consumeAll,
  type Fault,
  inject,
  leaderOf,
  produce,
  startCluster,
  type Target,
  TOPIC,
  victim,
} from './replication-run.ts';

const { Kafka, logLevel } = kafkajs;

const cases: Array<[Fault, Target]> = [
  ['clean_shutdown', 'leader'],
  ['hard_shutdown', 'leader'],
  ['clean_bounce', 'leader'],
  ['hard_bounce', 'leader'],
  ['clean_shutdown', 'controller'],
  ['hard_shutdown', 'controller'],
  ['clean_bounce', 'controller'],
  ['hard_bounce', 'controller'],
  // beyond Kafka's matrix: a frozen process (SIGSTOP) that wakes up as a stale leader or controller
  ['pause', 'leader'],
  ['pause', 'controller'],
];

for (const [fault, target] of cases)
  test(`ReplicationTest ${fault} of the ${target}: acks=all + idempotence, acked values consumed once`, async () => {
    const broker = await startCluster();
    try {
      const id = victim(broker, target);
      const d = await produce(broker, {
        acks: -1,
        idempotent: true,
        rounds: 10,
        perRound: 10,
        midway: () => inject(broker, fault, id),
      });
      const view = broker.replication!.view()!;
      if (fault.endsWith('shutdown')) {
        assert.ok(!view.alive.includes(id), `node ${id} is down`);
        assert.ok(
          view.leaders[TOPIC]!.every((l) => l !== id && l >= 0),
          'every partition led by a live node',
        );
        if (target === 'controller') assert.is.not(view.controller, id);
      }
      // a bounced node (a new incarnation, empty log) catches up and is back in every ISR
      if (fault.endsWith('bounce') || fault === 'pause')
        await broker.replication!.until((v) => v.isr[TOPIC]!.every((i) => i.length === 3));
      const r = check(d, await consumeAll(broker));
      assert.ok(r.acked > 0, 'some values were acknowledged');
      assert.equal(r.lost, [], 'acknowledged values lost');
      assert.equal(r.duplicated, [], 'values consumed twice');
    } finally {
      await broker.close();
    }
  });

test('min ISR 2, one replica left: acks=all refused with NOT_ENOUGH_REPLICAS, acks=1 accepted', async () => {
  const broker = await startCluster();
  try {
    const leader = leaderOf(broker, 0);
    const others = [0, 1, 2].filter((n) => n !== leader);
    for (const n of others) await broker.nodes![n]!.kill();
    await broker.replication!.until((v) => v.isr[TOPIC]![0]!.join() === String(leader));
    const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    const send = (acks: number) => producer.send({ topic: TOPIC, acks, messages: [{ partition: 0, value: 'x' }] });
    const refused = await send(-1).then(
      () => 'accepted',
      (e: { type?: string; cause?: { type?: string } }) => e.type ?? e.cause?.type ?? String(e),
    );
    await send(1);
    await producer.disconnect();
    assert.is(refused, 'NOT_ENOUGH_REPLICAS');
  } finally {
    await broker.close();
  }
});

/** followers of partition 0 paused until they leave its ISR; the leader then acks alone */
async function isolateLeader(broker: Broker): Promise<{ leader: number; followers: number[] }> {
  const leader = leaderOf(broker, 0);
  const followers = [0, 1, 2].filter((n) => n !== leader);
  for (const f of followers) broker.nodes![f]!.pause();
  await broker.replication!.until((v) => v.isr[TOPIC]![0]!.join() === String(leader));
  return { leader, followers };
}

test('counter-example: acks=1, followers out of the ISR, leader killed, unclean election: acks lost', async () => {
  const broker = await startCluster({ minInsyncReplicas: 1, uncleanLeaderElection: true });
  try {
    const d = await produce(broker, { acks: 1, idempotent: false, rounds: 3, perRound: 10 });
    const { leader, followers } = await isolateLeader(broker);
    // the isolated leader acknowledges what no follower has, then dies
    await produce(broker, {
      acks: 1,
      idempotent: false,
      rounds: 2,
      perRound: 10,
      partitions: [0],
      into: d,
      via: [leader],
    });
    await broker.nodes![leader]!.kill();
    for (const f of followers) broker.nodes![f]!.resume();
    await broker.replication!.until((v) => v.leaders[TOPIC]![0]! >= 0 && v.leaders[TOPIC]![0] !== leader);
    const r = check(d, await consumeAll(broker));
    assert.is(d.failed, 0);
    assert.ok(r.lost.length > 0, `acks=1 + unclean election lost ${r.lost.length} acknowledged values`);
    assert.equal(r.duplicated, []);
  } finally {
    await broker.close();
  }
});

test('the same kill with unclean election off: partition 0 has no leader (unavailable, not lossy)', async () => {
  const broker = await startCluster({ minInsyncReplicas: 1 });
  try {
    const { leader, followers } = await isolateLeader(broker);
    await broker.nodes![leader]!.kill();
    for (const f of followers) broker.nodes![f]!.resume();
    await broker.replication!.until((v) => !v.alive.includes(leader) && v.alive.length === 2);
    assert.is(leaderOf(broker, 0), -1);
  } finally {
    await broker.close();
  }
});

test.run();
