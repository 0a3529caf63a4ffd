/**
 * 100,000 malformed frames over TCP to every node of the replicated cluster (one OS process per
 * node) while an acks=all idempotent producer writes to a topic with RF 3: no node crashes (each
 * keeps its process and stays alive in the controller's view), every partition is back to a full
 * ISR, each node still answers a client bootstrapped through it alone, and every acknowledged
 * value is consumed once. The frames are robustness.test.ts's generator (test/helpers/fuzz-frames.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { startBroker, type Broker } from '../../broker/index.ts';
import { Rng } from '../../generators/rng.ts';
import { fuzzClient, fuzzFrame, recordFrames } from '../helpers/fuzz-frames.ts';
import { check, consumeAll, type Delivery, produce, startCluster, TOPIC } from './replication-run.ts';

const FRAMES = 100_000;
/** frames on one connection (the node closes it sooner on a frame it cannot parse) */
const BURST = 16;
/** connections open at once per node */
const LANES = 8;
/** a declared size above this is a huge length: the frame ends its connection */
const HUGE = 1 << 20;
const MARK = 0x7ead;

interface Tally {
  written: number;
  connections: number;
  /** connections the node read to the end: the ApiVersions request behind the burst was answered */
  answered: number;
  /**
   * frames surely read: every frame of a connection read to the end; else each answered one and
   * the one refused (a lower bound: responses queued when the node closes are dropped with it)
   */
  read: number;
  /** connections the node closed before the end of the burst (a frame it refused) */
  cut: number;
  /** frames whose size field was changed: truncated, padded with garbage, or huge/negative */
  resized: { truncated: number; padded: number; huge: number };
}

/** a valid ApiVersions v0 request with correlation id MARK (no client id) */
const marker = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, MARK >> 8, MARK & 255, 255, 255]);

/** the complete responses in `data` and the correlation id of the last one */
function responses(data: Buffer): { n: number; last: number | undefined } {
  let n = 0;
  let last: number | undefined;
  for (let at = 0; at + 8 <= data.length; n++) {
    const size = data.readInt32BE(at);
    if (size < 4 || at + 4 + size > data.length) break;
    last = data.readInt32BE(at + 4);
    at += 4 + size;
  }
  return { n, last };
}

/**
 * One connection: the burst, then (unless it ends on a huge frame) the marker; done when the
 * marker is answered (every frame before it was read) or the node closes the connection
 */
function send(port: number, frames: Buffer[], huge: boolean, t: Tally): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let answered = false;
    const timer = setTimeout(() => s.destroy(), 5000);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      got.push(d);
      if (huge || responses(Buffer.concat(got)).last !== MARK) return;
      answered = true;
      t.answered++;
      s.destroy();
    });
    s.on('close', () => {
      clearTimeout(timer);
      // frames read: all when the marker was answered; else each answered one and the one refused by closing
      t.read += answered ? frames.length : Math.min(frames.length, responses(Buffer.concat(got)).n + 1);
      if (!answered && !huge) t.cut++;
      resolve();
    });
    s.on('connect', () => {
      t.connections++;
      t.written += frames.length;
      // a huge size leaves the node waiting for more: our end tells it no more comes
      if (huge) s.end(Buffer.concat(frames));
      else s.write(Buffer.concat([...frames, marker]));
    });
  });
}

/**
 * A resized frame made to keep the stream in step: cut to its declared size, or padded with
 * garbage up to it; a huge or negative size is left as it is (and ends its connection).
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

/**
 * FRAMES frames to every node in bursts of BURST, LANES connections at a time per node. A node
 * closes the connection on a frame it cannot parse: what followed in the burst is dropped unread
 */
async function fuzzNodes(broker: Broker, seeds: Buffer[]): Promise<Tally> {
  const t: Tally = {
    written: 0,
    connections: 0,
    answered: 0,
    read: 0,
    cut: 0,
    resized: { truncated: 0, padded: 0, huge: 0 },
  };
  const rng = new Rng(2027);
  let i = 0;
  const next = (): { frames: Buffer[]; huge: boolean } => {
    const frames: Buffer[] = [];
    while (frames.length < BURST) {
      const f = fuzzFrame(rng, i++, seeds);
      const { frame, huge } = f.resized ? resize(f.frame, rng, t) : { frame: f.frame, huge: false };
      frames.push(frame);
      if (huge) return { frames, huge };
    }
    return { frames, huge: false };
  };
  await Promise.all(
    broker.nodes!.flatMap((node) =>
      Array.from({ length: LANES }, async () => {
        while (t.written < FRAMES) {
          const b = next();
          await send(node.port, b.frames, b.huge, t);
        }
      }),
    ),
  );
  return t;
}

test('100,000 malformed frames to every node of the 3-node cluster while it replicates: none crashes', async () => {
  const single = await startBroker({ minSessionTimeoutMs: 10, maxFetchWaitMs: 20 });
  const seeds = await recordFrames(single).finally(() => single.close());
  // a node starved of CPU by the fuzz must not be taken for dead: that would test elections, not parsing
  const broker = await startCluster({ nodeSessionMs: 5000, replicaLagMs: 10_000 });
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
    const t0 = Date.now();
    const t = await fuzzNodes(broker, seeds).finally(() => {
      fuzzing = false;
    });
    await replicate;
    const { truncated, padded, huge } = t.resized;
    console.log(
      `cluster fuzz: ${t.written} frames to 3 nodes in ${Date.now() - t0} ms, ${t.connections} connections: ` +
        `at least ${t.read} read, ${t.answered} connections read to the end, ${t.cut} closed early on a bad frame; ` +
        `sizes changed: ${truncated} truncated, ${padded} padded, ${huge} huge or negative; ` +
        `${d.acked.size} values acknowledged meanwhile (${d.failed} failed)`,
    );
    assert.ok(t.written >= FRAMES && t.read >= t.connections, `${t.read} frames surely read by the nodes`);
    assert.ok(t.cut > 100, 'the nodes refused some frames by closing');
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
