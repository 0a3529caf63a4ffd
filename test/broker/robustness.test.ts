/**
 * Malformed, mutated and oversized frames: the broker never crashes, only the offending
 * connection closes, and normal clients carry on. Mutations start from frames that kafkajs
 * really sent (recorded through a tapping proxy), so they reach deep into every handler.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { startBroker, type Broker } from '../../broker/index.ts';
import { Rng } from '../../generators/rng.ts';
import { fakeConnection, fuzzFrame, recordFrames, roundTrip as roundTripAt } from '../helpers/fuzz-frames.ts';

let broker: Broker;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);

test.before(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  broker = await startBroker({ minSessionTimeoutMs: 10, maxFetchWaitMs: 20 });
});
test.after(async () => {
  await broker.close();
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
});

const roundTrip = (topic: string, n?: number) => roundTripAt(broker.bootstrap, topic, n);

test('100,000 random and mutated frames close connections but never crash the broker', async () => {
  const seeds = await recordFrames(broker);
  assert.ok(seeds.length >= 3, `recorded ${seeds.length} frames`);
  const rng = new Rng(2026);
  const int = (n: number) => Math.floor(rng.next() * n);
  const before = broker.stats().listener;
  // closes by the broker, counted when they happen (a handler may refuse a body after the loop)
  let byBroker = 0;
  let cutting = false;
  const connect = () => {
    const s = fakeConnection(broker);
    s.once('close', () => {
      if (!cutting) byBroker++;
    });
    return s;
  };
  let sock = connect();
  let closed = 0;
  let cut = 0;
  for (let i = 0; i < 100_000; i++) {
    const { frame, resized } = fuzzFrame(rng, i, seeds);
    // deliver in one or two chunks
    if (i % 5 === 0 && frame.length > 2) {
      const cut = 1 + int(frame.length - 1);
      sock.emit('data', frame.subarray(0, cut));
      sock.emit('data', frame.subarray(cut));
    } else sock.emit('data', frame);
    // a changed size field leaves the connection waiting for bytes that never come: a new client
    if (resized && !sock.destroyed) {
      cutting = true;
      sock.destroy();
      cutting = false;
      closed--;
      cut++;
    }
    if (sock.destroyed) {
      closed++;
      sock = connect();
    }
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(crashes, []);
  assert.ok(closed > 1000, `${closed} connections closed`);
  const st = broker.stats();
  const l = st.listener;
  const d = (k: keyof typeof l.rejected) => l.rejected[k] - before.rejected[k];
  const refused = d('size') + d('header') + d('apiKey') + d('apiVersion') + d('unauthenticated');
  const frames = l.frames - before.frames;
  console.log(
    `fuzz: ${closed} connections closed by the broker, ${st.malformedFrames} malformed frames; counted ` +
      `${frames} frames, ${l.handled - before.handled} handled, ${refused} refused by the listener, ` +
      `${d('body')} bodies refused, ${l.incomplete - before.incomplete} cut short`,
  );
  assert.is(st.internalErrors, 0, st.lastInternalError);
  // each frame counted once: handled, refused by the listener or cut short; each close has its reason
  // a size field cut short of its frame leaves the rest to be read as the next one: more frames than sent
  assert.ok(frames >= 100_000, `${frames} frames counted`);
  assert.is(l.handled - before.handled + refused + l.incomplete - before.incomplete, frames);
  assert.is(refused + d('body'), byBroker, 'connections closed by the broker, by reason');
  // the test drops each connection a resized frame left open: mid-frame when its size overshoots
  const short = l.incomplete - before.incomplete;
  assert.ok(short > 0 && short <= cut, `${short} of ${cut} connections dropped mid-frame`);
  assert.equal(
    await roundTrip('after-fuzz'),
    Array.from({ length: 20 }, (_, i) => `after-fuzz-${i}`),
  );
});

test('a string that is not UTF-8 closes the connection as malformed, not as a broker error', () => {
  // CreateTopics v0 naming a topic with 20,000 bytes 0xff: decoded, each became U+FFFD (3 bytes), and
  // echoing the name in the response overflowed its int16 length (found by the cluster fuzz)
  const name = Buffer.alloc(20_000, 0xff);
  const body = Buffer.concat([
    Buffer.from([0, 19, 0, 0, 0, 0, 0, 7, 255, 255, 0, 0, 0, 1]),
    Buffer.from([name.length >> 8, name.length & 255]),
    name,
    Buffer.from([0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 232]),
  ]);
  const frame = Buffer.concat([Buffer.alloc(4), body]);
  frame.writeInt32BE(body.length, 0);
  const before = broker.stats();
  const sock = fakeConnection(broker);
  sock.emit('data', frame);
  const after = broker.stats();
  assert.ok(sock.destroyed, 'connection closed');
  assert.is(after.internalErrors, before.internalErrors, after.lastInternalError);
  assert.is(after.listener.rejected.body, before.listener.rejected.body + 1);
});

test('a negative, oversized or truncated frame on TCP closes only that connection', async () => {
  const [h, p] = broker.bootstrap[0]!.split(':');
  const rt = roundTrip('during-garbage', 50);
  const sends = [
    Buffer.from('ffffffff00', 'hex'),
    Buffer.from('7fffffff', 'hex'),
    Buffer.from('0000000a0012', 'hex'),
    Buffer.from(`00000010${'0012000000000001ffff00'.padEnd(32, '0')}`, 'hex'),
  ];
  const results = await Promise.all(
    sends.map(
      (bytes) =>
        new Promise<string>((resolve) => {
          const s: net.Socket = net.connect(Number(p), h, () => s.write(bytes));
          s.on('close', () => resolve('closed'));
          s.on('error', () => {});
          setTimeout(() => {
            s.destroy();
            resolve('timeout');
          }, 1000);
        }),
    ),
  );
  assert.equal(results.slice(0, 2), ['closed', 'closed']);
  assert.equal((await rt).length, 50);
  assert.equal(crashes, []);
});

test.run();
