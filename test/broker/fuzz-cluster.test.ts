/**
 * Malformed frames (10,000 in the suite; FUZZ_FRAMES=100000) over TCP to every node of the
 * replicated cluster (one OS process per node) while an acks=all idempotent producer writes to a
 * topic with RF 3: no node crashes (each keeps its process, stays alive in the controller's view
 * and counts no internal error), every partition is back to a full ISR, each node still answers a
 * client bootstrapped through it alone, and every acknowledged value is consumed once. The frames
 * are robustness.test.ts's generator (test/helpers/fuzz-frames.ts).
 *
 * Every frame reaches a node's parser. A node closes a connection on the first frame it cannot
 * parse (as Kafka's SocketServer does) and reads nothing after it, so each frame goes alone,
 * followed by a valid ApiVersions request (the marker), on a connection that every frame before
 * it left open. Each frame's fate is known on both ends:
 * - answered: the marker came back, so the node read the frame and kept the connection;
 * - closed: the node closed the connection, and one of its rejected-by-reason counters moved;
 * - ended: a huge or negative size: the node refuses the size, or waits for a body that the test
 *   never sends and counts the frame incomplete when the test closes;
 * - held: neither within HOLD_MS (a request the node keeps waiting, or a node slow to decide).
 * The nodes' counters (broker.replication.counters()) must match the test's tally: exactly, but
 * for the held frames, which each may count as handled or as refused for any reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { type Broker, startBroker } from '../../broker/index.ts';
import type { NodeCounters } from '../../broker/listener-counters.ts';
import { Rng } from '../../generators/rng.ts';
import { fuzzClient, fuzzFrame, recordFrames } from '../helpers/fuzz-frames.ts';
import { check, consumeAll, type Delivery, produce, startCluster, TOPIC } from './replication-run.ts';

/**
 * Frames per run. Each frame the node cannot parse costs a TCP connection (about 80% of this mix),
 * so 100,000 take minutes on a shared machine: the suite sends 10,000, and FUZZ_FRAMES=100000
 * runs the full count.
 */
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
/** connections open at once per node */
const LANES = 8;
/** a declared size above this is a huge length: the test sends no body for it */
const HUGE = 1 << 20;
/** the nodes' maxFrameBytes: a larger (or negative) size is refused at once, a smaller huge one waits */
const MAX_FRAME = 4 << 20;
/** a frame whose marker is not answered by then is held by the node (the connection is dropped) */
const HOLD_MS = 10_000;

interface Tally {
  sent: number;
  connections: number;
  /** the marker behind the frame was answered: the node read the frame and kept the connection */
  answered: number;
  /** the node closed the connection on the frame */
  closed: number;
  /** a huge size: out of the node's range (refused), or in it (the node waits, the test closes) */
  ended: { refused: number; waiting: number };
  /** the node kept the request waiting past HOLD_MS */
  held: number;
  /** frames whose size field was changed: truncated, padded with garbage, or huge/negative */
  resized: { truncated: number; padded: number; huge: number };
}

type Fate = 'answered' | 'closed' | 'ended' | 'held';

/** an ApiVersions v0 request (no client id): the marker after each frame */
function marker(correlationId: number): Buffer {
  const b = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 0, 255, 255]);
  b.writeInt32BE(correlationId, 8);
  return b;
}

/** the correlation id of the last complete response in `data` */
function lastResponse(data: Buffer): number | undefined {
  let last: number | undefined;
  for (let at = 0; at + 8 <= data.length; ) {
    const size = data.readInt32BE(at);
    if (size < 4 || at + 4 + size > data.length) break;
    last = data.readInt32BE(at + 4);
    at += 4 + size;
  }
  return last;
}

/** one client connection to a node, one frame at a time */
class Lane {
  private readonly socket: net.Socket;
  private got: Buffer[] = [];
  private closed = false;
  private wake: () => void = () => {};
  private mark = 1 << 30;
  readonly open: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    // a refused connection resolves too: its frame then counts as closed, which no node's counters match
    this.open = new Promise((res) => {
      this.socket.once('connect', () => res());
      this.socket.once('close', () => res());
    });
    this.socket.on('error', () => {});
    this.socket.on('data', (d: Buffer) => {
      this.got.push(d);
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** `frame` then the marker; a huge frame alone, and the connection ended behind it */
  send(frame: Buffer, huge: boolean): Promise<Fate> {
    this.got = [];
    const id = ++this.mark;
    if (huge) this.socket.end(frame);
    else this.socket.write(Buffer.concat([frame, marker(id)]));
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('held'), HOLD_MS);
      const done = (fate: Fate) => {
        clearTimeout(timer);
        this.wake = () => {};
        if (fate !== 'answered') this.socket.destroy();
        resolve(fate);
      };
      this.wake = () => {
        if (this.closed) done(huge ? 'ended' : 'closed');
        else if (!huge && lastResponse(Buffer.concat(this.got)) === id) done('answered');
      };
      this.wake();
    });
  }
}

/**
 * A resized frame made to keep the stream in step: cut to its declared size, or padded with
 * garbage up to it; a huge or negative size is left as it is (the frame goes alone).
 */
function resize(frame: Buffer, rng: Rng, t: Tally): { frame: Buffer; huge: boolean } {
  const declared = frame.readInt32BE(0);
  const body = frame.length - 4;
  if (declared < 8 || declared > HUGE) {
    t.resized.huge++;
    return { frame, huge: true };
  }
  if (declared === body) return { frame, huge: false }; // the flips missed the size field
  if (declared < body) {
    t.resized.truncated++;
    return { frame: frame.subarray(0, 4 + declared), huge: false };
  }
  t.resized.padded++;
  const pad = Buffer.alloc(declared - body);
  for (let j = 0; j < pad.length; j++) pad[j] = Math.floor(rng.next() * 256);
  return { frame: Buffer.concat([frame, pad]), huge: false };
}

/** FRAMES frames to the nodes, LANES connections at a time per node, each frame alone before its marker */
async function fuzzNodes(broker: Broker, seeds: Buffer[]): Promise<Tally> {
  const t: Tally = {
    sent: 0,
    connections: 0,
    answered: 0,
    closed: 0,
    ended: { refused: 0, waiting: 0 },
    held: 0,
    resized: { truncated: 0, padded: 0, huge: 0 },
  };
  const rng = new Rng(2027);
  await Promise.all(
    broker.nodes!.flatMap((node) =>
      Array.from({ length: LANES }, async () => {
        let lane: Lane | undefined;
        while (t.sent < FRAMES) {
          const i = t.sent++;
          const f = fuzzFrame(rng, i, seeds);
          const { frame, huge } = f.resized ? resize(f.frame, rng, t) : { frame: f.frame, huge: false };
          if (!lane) {
            lane = new Lane(node.port);
            await lane.open;
            t.connections++;
          }
          const fate = await lane.send(frame, huge);
          if (fate === 'ended') {
            const size = frame.readInt32BE(0);
            if (size < 8 || size > MAX_FRAME) t.ended.refused++;
            else t.ended.waiting++;
          } else t[fate]++;
          if (fate !== 'answered') lane = undefined;
        }
      }),
    ),
  );
  return t;
}

/** the counters summed over the nodes, after minus before; each node's internal errors */
function delta(before: NodeCounters[], after: NodeCounters[]) {
  const d = { frames: 0, handled: 0, incomplete: 0, connections: 0, rejected: {} as Record<string, number> };
  for (const a of after) {
    const b = before.find((n) => n.id === a.id)!;
    assert.is(a.pid, b.pid, `node ${a.id} kept its process`);
    assert.is(a.internalErrors, 0, `node ${a.id}: ${a.lastInternalError}`);
    d.frames += a.listener.frames - b.listener.frames;
    d.handled += a.listener.handled - b.listener.handled;
    d.incomplete += a.listener.incomplete - b.listener.incomplete;
    d.connections += a.listener.connections - b.listener.connections;
    for (const [k, v] of Object.entries(a.listener.rejected))
      d.rejected[k] = (d.rejected[k] ?? 0) + v - b.listener.rejected[k as keyof typeof b.listener.rejected];
  }
  return d;
}

test(`${FRAMES} malformed frames to every node of the 3-node cluster as it replicates: all parsed`, async () => {
  const single = await startBroker({ minSessionTimeoutMs: 10, maxFetchWaitMs: 20 });
  const seeds = await recordFrames(single).finally(() => single.close());
  // a node starved of CPU by the fuzz must not be taken for dead: that would test elections, not parsing
  const broker = await startCluster({ nodeSessionMs: 5000, replicaLagMs: 10_000, maxFrameBytes: MAX_FRAME });
  try {
    const pids = broker.nodes!.map((n) => n.pid);
    const d: Delivery = { acked: new Set(), failed: 0 };
    let fuzzing = true;
    const replicate = (async () => {
      while (fuzzing)
        await produce(broker, { acks: -1, idempotent: true, rounds: 2, perRound: 10, into: d }).catch(() => {
          d.failed++; // the producer could not start (no leader known yet): unacknowledged, so not a loss
        });
    })();
    const before = await broker.replication!.counters();
    const t0 = Date.now();
    const t = await fuzzNodes(broker, seeds).finally(() => {
      fuzzing = false;
    });
    const ms = Date.now() - t0;
    await replicate;
    const n = delta(before, await broker.replication!.counters());
    const reasons = Object.entries(n.rejected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `cluster fuzz: ${t.sent} frames to 3 nodes in ${ms} ms over ${t.connections} connections: ` +
        `${t.answered} answered, ${t.closed} closed by the node, ${t.ended.refused + t.ended.waiting} huge ` +
        `(${t.ended.refused} refused, ${t.ended.waiting} left waiting), ${t.held} held; the nodes counted ` +
        `${n.frames} frames, ${n.handled} handled, rejected: ${reasons}, ${n.incomplete} incomplete; sizes changed: ` +
        `${t.resized.truncated} truncated, ${t.resized.padded} padded, ${t.resized.huge} huge or negative; ` +
        `${d.acked.size} values acknowledged meanwhile (${d.failed} failed)`,
    );
    // every frame has a fate, and each close or end is one the nodes counted, with its reason
    assert.is(t.sent, FRAMES);
    assert.is(t.answered + t.closed + t.ended.refused + t.ended.waiting + t.held, FRAMES, 'every frame has a fate');
    const { size, ...refusedParsed } = n.rejected;
    const closedByNode = Object.values(refusedParsed).reduce((s, v) => s + v, 0);
    const within = (v: number, from: number, what: string) =>
      assert.ok(v >= from && v <= from + t.held, `${what}: ${v}, expected ${from} (+ up to ${t.held} held)`);
    within(closedByNode, t.closed, `connections closed on a frame, by reason (${reasons})`);
    within(size!, t.ended.refused, 'sizes out of range refused');
    assert.is(n.incomplete, t.ended.waiting, 'huge frames left waiting counted incomplete');
    // handled: each answered frame and its marker, the held ones, the refused bodies (and the producer's)
    assert.ok(n.handled >= 2 * t.answered + n.rejected.body!, `${n.handled} frames handled`);
    assert.ok(n.frames >= FRAMES + t.answered, `${n.frames} frames read by the nodes`);
    assert.ok(n.connections >= t.connections, `${n.connections} connections accepted`);
    assert.ok(t.closed > FRAMES / 10 && t.answered > FRAMES / 10, 'the nodes answered some frames and refused others');
    assert.equal(
      broker.nodes!.map((n) => [n.pid, n.status]),
      pids.map((pid) => [pid, 'running']),
      'every node runs in the process it started in',
    );
    for (const pid of pids) process.kill(pid, 0); // throws if the process is gone
    await broker.replication!.until((v) => v.alive.length === 3 && v.isr[TOPIC]!.every((i) => i.length === 3));
    // each node answers on its own: metadata through it alone, and a produce that it routes
    for (const node of broker.nodes!) {
      const admin = fuzzClient([`${node.host}:${node.port}`], `after-${node.id}`).admin();
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      await admin.disconnect();
      assert.is(meta.topics[0]!.partitions.length, 3);
      await produce(broker, { acks: -1, idempotent: true, rounds: 1, perRound: 10, into: d, via: [node.id] });
    }
    const r = check(d, await consumeAll(broker));
    assert.ok(r.acked >= 90, `${r.acked} values acknowledged`);
    assert.equal(r.lost, [], 'acknowledged values lost');
    assert.equal(r.duplicated, [], 'values consumed twice');
  } finally {
    await broker.close();
  }
});

test.run();
