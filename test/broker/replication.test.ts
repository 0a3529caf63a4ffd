/**
 * The replicated cluster (one OS process per node) under Kafka's ReplicationTest matrix:
 * clean/hard shutdown and clean/hard bounce of partition 0's leader and of the controller, with
 * acks=all and idempotence → every acknowledged value is consumed, none twice. Each case has two
 * producers side by side through the same fault, kafkajs and librdkafka (kcat,
 * replication-kcat.ts), and two readers of the whole topic, kafkajs and kcat: each reader must
 * see every value either producer had acknowledged, once. And the counter-example: acks=1 with the
 * followers out of the ISR, a hard leader kill and unclean election loses acknowledged values
 * (counted and printed, per client), while clean election leaves the partition without a leader.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { Broker } from '../../broker/index.ts';
import { haveKcat, kcatProduce, kcatRead } from './replication-kcat.ts';
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

/**
 * The matrix shares one cluster (a node process takes seconds to start on a loaded machine, most
 * of a case's time): each case begins with every node running and back in every ISR, as a fresh
 * cluster would, the leader and the controller wherever the cases before left them, and values
 * tagged per case (the topic holds the earlier cases' too; reading them all again checks them
 * again). A case that fails closes the cluster, so the next begins with a new one.
 */
let shared: Broker | undefined;
test.after(() => shared?.close());

async function restored(): Promise<Broker> {
  if (!shared) {
    shared = await startCluster();
    return shared;
  }
  for (const n of shared.nodes!) if (n.status === 'stopped') await n.restart();
  await shared.replication!.until(
    (v) => v.alive.length === 3 && v.isr[TOPIC]!.every((i) => i.length === 3) && v.leaders[TOPIC]!.every((l) => l >= 0),
  );
  return shared;
}

for (const [fault, target] of cases)
  test(`ReplicationTest ${fault} of the ${target}: acks=all + idempotence, acked values consumed once`, async () => {
    const broker = await restored();
    let passed = false;
    try {
      const id = victim(broker, target);
      let begun = () => {};
      const faultBegun = new Promise<void>((r) => (begun = r));
      // librdkafka writes its second half while the fault is under way
      const librdkafka = haveKcat
        ? kcatProduce(broker, { acks: 'all', idempotent: true, count: 300, rest: faultBegun })
        : undefined;
      const d = await produce(broker, {
        acks: -1,
        idempotent: true,
        rounds: 10,
        perRound: 10,
        midway: () => {
          begun();
          return inject(broker, fault, id);
        },
      });
      const k = await librdkafka;
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
      const readers = { kafkajs: await consumeAll(broker), ...(k ? { kcat: await kcatRead(broker) } : {}) };
      const line: string[] = [];
      for (const [producer, delivery] of Object.entries({ kafkajs: d, ...(k ? { kcat: k } : {}) })) {
        assert.is(delivery.failed, 0, `${producer}: ${'err' in delivery ? delivery.err : 'sends failed'}`);
        assert.ok(delivery.acked.size > 0, `${producer}: some values were acknowledged`);
        for (const [reader, read] of Object.entries(readers)) {
          const r = check(delivery, read);
          assert.equal(r.lost, [], `${producer}'s acknowledged values lost (read by ${reader})`);
          assert.equal(r.duplicated, [], `${producer}'s values read twice by ${reader}`);
        }
        line.push(`${producer} acked ${delivery.acked.size}`);
      }
      console.log(
        `  ${fault} of the ${target}: ${line.join(', ')}; read back whole by ${Object.keys(readers).join(' and ')}`,
      );
      passed = true;
    } finally {
      if (!passed) {
        shared = undefined;
        await broker.close();
      }
    }
  });

// the last test on the matrix's cluster (its settings, min ISR 2, are this test's): it kills two nodes, so the
// cluster is closed after it instead of serving another test
test('min ISR 2, one replica left: acks=all refused with NOT_ENOUGH_REPLICAS, acks=1 accepted', async () => {
  const broker = await restored();
  shared = undefined;
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
    const one = { acks: 1 as const, idempotent: false, via: [leader] };
    await produce(broker, { ...one, rounds: 2, perRound: 10, partitions: [0], into: d });
    const k = haveKcat ? await kcatProduce(broker, { ...one, partition: 0, count: 20 }) : undefined;
    await broker.nodes![leader]!.kill();
    for (const f of followers) broker.nodes![f]!.resume();
    await broker.replication!.until((v) => v.leaders[TOPIC]![0]! >= 0 && v.leaders[TOPIC]![0] !== leader);
    const read = await consumeAll(broker);
    for (const [client, delivery] of Object.entries({ kafkajs: d, ...(k ? { kcat: k } : {}) })) {
      const r = check(delivery, read);
      console.log(`  acks=1 + unclean election, ${client}: lost ${r.lost.length} of ${r.acked} acknowledged values`);
      assert.is(delivery.failed, 0, `${client}: ${'err' in delivery ? delivery.err : 'sends failed'}`);
      assert.ok(r.lost.length > 0, `${client}: acks=1 + unclean election lost none of ${r.acked}`);
      assert.equal(r.duplicated, []);
    }
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
