/**
 * Kafka's ReplicationTest (tests/kafkatest/tests/core/replication_test.py), scaled to seconds:
 * 3 node processes, a topic with 3 partitions, RF 3, min.insync.replicas 2; a kafkajs producer
 * writes numbered values while one fault hits the leader of partition 0 or the controller; then
 * a fresh consumer reads every partition to its end. The checker compares what the producer saw
 * acknowledged with what was consumed: lost (acked, never consumed) and duplicated values.
 */
import kafkajs, { type Producer } from 'kafkajs';
import { startBroker, type Broker, type BrokerOptions } from '../../broker/index.ts';
import { readValues } from '../helpers/read-values.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;

export type Fault = 'clean_shutdown' | 'hard_shutdown' | 'clean_bounce' | 'hard_bounce' | 'pause';
export type Target = 'leader' | 'controller';

export const TOPIC = 'repl';

/** short timings so that each case takes seconds (the transaction suite's cluster too, txn-replicated.test.ts) */
export const FAST: BrokerOptions = {
  brokers: 3,
  minInsyncReplicas: 2,
  nodeHeartbeatMs: 100,
  nodeSessionMs: 1000,
  replicaLagMs: 2000,
  minSessionTimeoutMs: 1000,
};

export interface Delivery {
  acked: Set<string>;
  failed: number;
}

export interface Check {
  acked: number;
  consumed: number;
  lost: string[];
  duplicated: string[];
}

export async function startCluster(extra: BrokerOptions = {}): Promise<Broker> {
  const broker = await startBroker({ ...FAST, ...extra });
  await broker.createTopic(TOPIC, { partitions: 3, replicationFactor: 3 });
  return broker;
}

function client(broker: Broker, bootstrap = broker.bootstrap) {
  return new Kafka({
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
    requestTimeout: 5000,
  });
}

export function leaderOf(broker: Broker, partition: number): number {
  return broker.replication!.view()!.leaders[TOPIC]![partition]!;
}

/** the node a case's fault hits: partition 0's leader, or the controller */
export function victim(broker: Broker, target: Target): number {
  return target === 'leader' ? leaderOf(broker, 0) : broker.replication!.view()!.controller;
}

/** applies one fault to node `id`; a bounce stops (or kills) it and starts it again; pause is SIGSTOP, SIGCONT */
export async function inject(broker: Broker, fault: Fault, id: number): Promise<void> {
  const node = broker.nodes![id]!;
  if (fault === 'pause') {
    // SIGSTOP until the others declare it dead and move on; on SIGCONT it must step down and catch up
    node.pause();
    await broker.replication!.until((v) => !v.alive.includes(id));
    node.resume();
    return;
  }
  if (fault === 'clean_shutdown' || fault === 'clean_bounce') await node.stop();
  else await node.kill();
  if (fault === 'clean_bounce' || fault === 'hard_bounce') await node.restart();
}

/**
 * Produces `rounds` rounds of `perRound` values to each partition (one send per partition: see
 * cluster.test.ts on kafkajs's multi-broker sends) and calls `midway` once, after half the rounds.
 */
export async function produce(
  broker: Broker,
  opts: {
    acks: -1 | 1;
    idempotent: boolean;
    rounds: number;
    perRound: number;
    midway?: () => Promise<void>;
    partitions?: number[];
    into?: Delivery;
    /** bootstrap through these nodes only (the others may be paused) */
    via?: number[];
    /** default TOPIC */
    topic?: string;
  },
): Promise<Delivery> {
  const addr = (id: number) => `${broker.nodes![id]!.host}:${broker.nodes![id]!.port}`;
  const producer = client(broker, opts.via?.map(addr)).producer({
    idempotent: opts.idempotent,
    maxInFlightRequests: opts.idempotent ? 1 : undefined,
    retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
  });
  const out: Delivery = opts.into ?? { acked: new Set(), failed: 0 };
  const tag = `${Date.now().toString(36)}-`;
  let sent = 0;
  // a fault that throws midway (a node not back in time) must not leave the client connected: its
  // sockets and retries would keep the test process alive after the suite ends
  try {
    await connect(producer);
    for (let round = 0; round < opts.rounds; round++) {
      if (round === Math.floor(opts.rounds / 2)) await opts.midway?.();
      await Promise.all(
        (opts.partitions ?? [0, 1, 2]).map(async (partition) => {
          const values = Array.from({ length: opts.perRound }, () => `${tag}${sent++}`);
          try {
            await producer.send({
              topic: opts.topic ?? TOPIC,
              acks: opts.acks,
              timeout: 3000,
              messages: values.map((value) => ({ partition, value })),
            });
            for (const v of values) out.acked.add(v);
          } catch {
            out.failed += values.length;
          }
        }),
      );
    }
  } finally {
    await producer.disconnect();
  }
  return out;
}

/**
 * connects a producer while a node may be going away: kafkajs gives up on the first connection
 * error inside connect() (its metadata refresh and its InitProducerId pass anything but a Kafka
 * error code straight up, where a send would retry), so a node stopped during connect() failed the
 * whole production with a raw `Closed connection` or `read ECONNRESET`; up to `attempts` tries
 */
async function connect(producer: Producer, attempts = 20): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await producer.connect();
      return;
    } catch (e) {
      if (i >= attempts || (e as { retriable?: boolean }).retriable !== true) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** reads every partition from the beginning to its current end with a fresh group */
export async function consumeAll(broker: Broker): Promise<string[]> {
  const kafka = client(broker);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  const want = ends.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  if (want === 0) return [];
  const options = { sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100, ms: 30_000 };
  return readValues(kafka, TOPIC, (values) => values.length >= want, options);
}

/** validate_delivery: acked values never consumed are lost; values consumed twice are duplicated */
export function check(d: Delivery, consumed: string[]): Check {
  const seen = new Map<string, number>();
  for (const v of consumed) seen.set(v, (seen.get(v) ?? 0) + 1);
  return {
    acked: d.acked.size,
    consumed: consumed.length,
    lost: [...d.acked].filter((v) => !seen.has(v)),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([v]) => v),
  };
}
