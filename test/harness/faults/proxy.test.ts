/**
 * The TCP fault proxy against a real echo server on loopback: bytes and order survive every
 * toxic that only delays or reshapes; timeout holds data until the toxic goes; limit_data closes
 * after exactly its bytes; reset_peer resets; down refuses and drops; toxicity 0 never applies.
 * Counts and bytes only, no timings.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FaultProxy } from '../../../harness/faults/proxy.ts';

async function echo(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

async function withProxy(fn: (p: FaultProxy, port: number) => Promise<void>): Promise<void> {
  const e = await echo();
  const p = new FaultProxy({ upstream: { host: '127.0.0.1', port: e.port } });
  const a = await p.start();
  try {
    await fn(p, a.port);
  } finally {
    await p.close();
    e.server.close();
  }
}

/** connect, write `payload`, collect what comes back until `want` bytes, the close, or an error */
function client(port: number): Promise<{ s: Socket; got: () => Buffer; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise<string>((r) => {
      s.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
      s.once('close', () => r('closed'));
    });
    s.once('connect', () => resolve({ s, got: () => Buffer.concat(chunks), ended }));
    s.once('error', reject);
  });
}

const until = async (cond: () => boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251));

test('latency, jitter, bandwidth and slicer keep every byte in order', async () => {
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'latency', stream: 'downstream', toxicity: 1, attrs: { latency: 5, jitter: 3 } });
    p.addToxic({ kind: 'slicer', stream: 'upstream', toxicity: 1, attrs: { average_size: 100, size_variation: 50 } });
    p.addToxic({ kind: 'bandwidth', stream: 'downstream', toxicity: 1, attrs: { rate: 2000 } });
    const c = await client(port);
    c.s.write(payload);
    await until(() => c.got().length >= payload.length);
    assert.ok(c.got().equals(payload));
    assert.is(p.stats.bytesUpstream, payload.length);
    assert.is(p.stats.bytesDownstream, payload.length);
    c.s.destroy();
  });
});

test('timeout 0 holds the data until the toxic is removed; then all of it arrives', async () => {
  await withProxy(async (p, port) => {
    const id = p.addToxic({ kind: 'timeout', stream: 'upstream', toxicity: 1, attrs: { timeout: 0 } });
    const c = await client(port);
    c.s.write(payload);
    await until(() => p.stats.accepted === 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(p.stats.bytesUpstream, 0, 'nothing got through while held');
    p.removeToxic(id);
    await until(() => c.got().length >= payload.length);
    assert.ok(c.got().equals(payload));
    c.s.destroy();
  });
});

test('timeout > 0 closes the connection; limit_data closes after exactly its bytes', async () => {
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'timeout', stream: 'downstream', toxicity: 1, attrs: { timeout: 20 } });
    const c = await client(port);
    c.s.write('x');
    assert.is(await c.ended, 'closed');
    assert.is(c.got().length, 0);
  });
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'limit_data', stream: 'downstream', toxicity: 1, attrs: { bytes: 1000 } });
    const c = await client(port);
    c.s.write(payload);
    await c.ended;
    assert.is(c.got().length, 1000);
    assert.ok(c.got().equals(payload.subarray(0, 1000)));
    assert.is(p.stats.cut, 1);
  });
});

test('reset_peer resets the connection; slow_close still delivers the data before the close', async () => {
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'reset_peer', stream: 'downstream', toxicity: 1, attrs: { timeout: 0 } });
    const c = await client(port);
    assert.is(await c.ended, 'ECONNRESET');
  });
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'slow_close', stream: 'downstream', toxicity: 1, attrs: { delay: 20 } });
    const c = await client(port);
    c.s.end(payload);
    assert.is(await c.ended, 'closed');
    assert.ok(c.got().equals(payload));
  });
});

test('down drops open connections and refuses new ones; up forwards again', async () => {
  await withProxy(async (p, port) => {
    const a = await client(port);
    await until(() => p.stats.open === 1);
    p.setEnabled(false);
    assert.is(await a.ended, 'closed');
    const b = await client(port).catch(() => undefined);
    if (b) await b.ended;
    p.setEnabled(true);
    const c = await client(port);
    c.s.write('hello');
    await until(() => c.got().length === 5);
    assert.is(c.got().toString(), 'hello');
    assert.ok(p.stats.refused >= 2, `refused ${p.stats.refused}`);
    c.s.destroy();
  });
});

test('toxicity 0 never applies; a toxic added later acts on open connections', async () => {
  await withProxy(async (p, port) => {
    p.addToxic({ kind: 'limit_data', stream: 'downstream', toxicity: 0, attrs: { bytes: 10 } });
    const c = await client(port);
    c.s.write(payload);
    await until(() => c.got().length >= payload.length);
    p.addToxic({ kind: 'limit_data', stream: 'downstream', toxicity: 1, attrs: { bytes: 3 } });
    c.s.write('abcdef');
    await c.ended;
    assert.is(c.got().length, payload.length + 3);
  });
});

test.run();
