/**
 * Malformed, mutated and oversized frames: the broker never crashes, only the offending
 * connection closes, and normal clients carry on. Mutations start from frames that kafkajs
 * really sent (recorded through a tapping proxy), so they reach deep into every handler.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { clusterOf, startBroker, type Broker } from '../../broker/index.ts';
import { Connection } from '../../broker/server.ts';
import { Rng } from '../../generators/rng.ts';
import { fuzzFrame, recordFrames, roundTrip as roundTripAt } from '../helpers/fuzz-frames.ts';

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

/** a socket that records what the broker writes and whether it closed the connection */
class FakeSocket extends EventEmitter {
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

test('100,000 random and mutated frames close connections but never crash the broker', async () => {
  const seeds = await recordFrames(broker);
  assert.ok(seeds.length >= 3, `recorded ${seeds.length} frames`);
  const rng = new Rng(2026);
  const int = (n: number) => Math.floor(rng.next() * n);
  let sock = new FakeSocket();
  // @ts-expect-error the fake socket has what Connection uses
  new Connection(sock, clusterOf(broker), { id: 0, bindHost: '127.0.0.1', host: '127.0.0.1', port: 0, alive: true });
  let closed = 0;
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
      sock.destroy();
      closed--;
    }
    if (sock.destroyed) {
      closed++;
      sock = new FakeSocket();
      // @ts-expect-error as above
      new Connection(sock, clusterOf(broker), {
        id: 0,
        bindHost: '127.0.0.1',
        host: '127.0.0.1',
        port: 0,
        alive: true,
      });
    }
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(crashes, []);
  assert.ok(closed > 1000, `${closed} connections closed`);
  console.log(`fuzz: ${closed} connections closed by the broker, ${broker.stats().malformedFrames} malformed frames`);
  const st = broker.stats();
  assert.is(st.internalErrors, 0, st.lastInternalError);
  assert.equal(
    await roundTrip('after-fuzz'),
    Array.from({ length: 20 }, (_, i) => `after-fuzz-${i}`),
  );
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
