/**
 * Malformed Kafka request frames for the broker fuzz tests (test/broker/robustness.test.ts on the
 * in-process node, test/broker/fuzz-cluster.test.ts on every node of the replicated cluster).
 * Mutations start from frames kafkajs really sent, recorded at an in-process broker, so they
 * reach deep into every handler; the rest is garbage behind a valid size, unknown api keys and
 * versions, and changed size fields (truncated frames, huge and negative lengths).
 */
import { EventEmitter } from 'node:events';
import kafkajs from 'kafkajs';
import { clusterOf, type Broker } from '../../broker/index.ts';
import { Connection } from '../../broker/server.ts';
import type { Rng } from '../../generators/rng.ts';
import { readValues } from './read-values.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;

export function fuzzClient(bootstrap: string[], clientId: string) {
  return new Kafka({
    clientId,
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
}

/** produces `n` values to `topic` and reads them back with a fresh group */
export async function roundTrip(bootstrap: string[], topic: string, n = 20): Promise<string[]> {
  const kafka = fuzzClient(bootstrap, `rt-${topic}`);
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value: `${topic}-${i}` })) });
  await p.disconnect();
  const options = { sessionTimeout: 3000, heartbeatInterval: 200, maxWaitTimeInMs: 100 };
  return readValues(kafka, topic, (got) => got.length === n, options);
}

/** kafkajs's real request frames, recorded at an in-process broker while it works normally */
export async function recordFrames(broker: Broker): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  clusterOf(broker).frameTap = (body) => {
    const f = Buffer.alloc(4 + body.length);
    f.writeInt32BE(body.length, 0);
    body.copy(f, 4);
    frames.push(f);
  };
  const kafka = fuzzClient(broker.bootstrap, 'rec');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'rec', numPartitions: 2 }] });
  await roundTrip(broker.bootstrap, 'rec', 5);
  await admin.fetchTopicOffsets('rec');
  await admin.fetchOffsets({ groupId: 'g-rec', topics: ['rec'] });
  await admin.listGroups();
  await admin.describeGroups(['g-rec']);
  await admin.deleteTopics({ topics: ['rec'] });
  await admin.disconnect();
  clusterOf(broker).frameTap = undefined;
  return frames;
}

/**
 * Frame `i` of a fuzz run: i % 4 == 0, a random body behind a valid size (every 8th with a small
 * api key, else any); otherwise a recorded frame with 1-4 bytes changed, the size field too when
 * i % 4 == 3 (`resized`: the broker may wait for bytes that never come, or refuse the length).
 */
export function fuzzFrame(rng: Rng, i: number, seeds: readonly Buffer[]): { frame: Buffer; resized: boolean } {
  const int = (n: number) => Math.floor(rng.next() * n);
  const kind = i % 4;
  if (kind === 0) {
    const body = Buffer.alloc(8 + int(64));
    for (let j = 0; j < body.length; j++) body[j] = int(256);
    if (i % 8 === 0) body.writeInt16BE(int(50), 0);
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    return { frame, resized: false };
  }
  const frame = Buffer.from(seeds[int(seeds.length)]!);
  const from = kind === 3 ? 0 : 4;
  for (let f = 1 + int(4); f > 0; f--) frame[from + int(frame.length - from)] = int(256);
  return { frame, resized: kind === 3 };
}

/** a socket that records what the broker writes and whether it closed the connection */
export class FakeSocket extends EventEmitter {
  destroyed = false;
  written = 0;
  remoteAddress = '127.0.0.1';
  setNoDelay() {
    return this;
  }
  cork() {}
  uncork() {}
  write(b: Buffer) {
    this.written += b.length;
    return true;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
    return this;
  }
}

/** a broker connection over a FakeSocket: frames go in with `emit('data', frame)` */
export function fakeConnection(broker: Broker): FakeSocket {
  const sock = new FakeSocket();
  const node = { id: 0, bindHost: '127.0.0.1', host: '127.0.0.1', port: 0, alive: true };
  // @ts-expect-error the fake socket has what Connection uses
  new Connection(sock, clusterOf(broker), node);
  return sock;
}
