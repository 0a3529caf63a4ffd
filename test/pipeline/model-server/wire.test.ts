import { createServer, type Server } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'undici';
import { ModelClient } from '../../../pipeline/model-server/client.ts';
import { startModelServer, type ModelServer } from '../../../pipeline/model-server/server.ts';
import {
  COMPACT_INSTANCES,
  COMPACT_PREDICTIONS,
  decodeInstances,
  decodePredictions,
  encodeInstances,
} from '../../../pipeline/model-server/wire.ts';
import type { ScoringInput } from '../../../pipeline/types.ts';
import { instance, tinyModel } from '../../helpers/fraud-model.ts';

let server: ModelServer;
test.before(async () => {
  const models = new Map([
    ['v1', await tinyModel('v1', 1)],
    ['v2', await tinyModel('v2', 7)],
  ]);
  const routes = [
    { version: 'v1', weight: 50 },
    { version: 'v2', weight: 50 },
  ];
  server = await startModelServer({ models, routes, breaker: { timeoutMs: 30_000, slowCallMs: 30_000 } });
});
test.after(async () => {
  await server?.close();
});

const many = (n: number) => Array.from({ length: n }, (_, i) => instance(i));

async function postCompact(body: Buffer) {
  const res = await request(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': COMPACT_INSTANCES },
    body,
  });
  const type = String(res.headers['content-type']);
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  return { status: res.statusCode, type, bytes, json: type.startsWith('application/json') ? parse(bytes) : null };
}
const parse = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8'));

test('a compact body round-trips every field the model server reads, any text included', () => {
  const xs = many(3);
  xs[1]!.transaction.merchantId = 'Café Zürich 東京 🍣';
  xs[2]!.transaction.userId = 'u\u001f"\\x';
  const d = decodeInstances(encodeInstances(xs)!);
  assert.ok(d.ok);
  if (!d.ok) return;
  assert.equal(d.instances, xs);
});

test('the server answers a compact body in compact form, the same predictions JSON gets', async () => {
  const xs = many(40);
  const { status, type, bytes } = await postCompact(encodeInstances(xs)!);
  assert.is(status, 200);
  assert.is(type, COMPACT_PREDICTIONS);
  const compact = decodePredictions(bytes, xs);
  const res = await request(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: xs }),
  });
  const json = ((await res.body.json()) as { predictions: unknown[] }).predictions;
  assert.equal(compact, json);
  assert.ok(new Set(compact.map((p) => p.modelVersion)).size === 2, 'both versions answered');
});

test('a malformed compact body is a 400 naming the field, and the server keeps serving', async () => {
  const good = encodeInstances(many(2))!;
  const amountOf1 = 8 + 8; // the amount column, row 1
  const riskOf1 = 8 + 8 * 8 + 8; // the risk column (the fifth of two rows each), row 1
  const good0 = instance(0);
  const emptyId = /invalid \/instances\/0\/transaction\/id: must not be empty/;
  const put = (f: (b: Buffer) => unknown) => (b: Buffer) => {
    f(b);
    return b;
  };
  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['wrong magic', (b) => Buffer.concat([Buffer.from('JSON'), b.subarray(4)]), /invalid \/: .*PLI1/],
    ['truncated', (b) => b.subarray(0, 40), /invalid \/: 2 instances need at least 144 bytes/],
    ['no instances', put((b) => b.writeUInt32LE(0, 4)), /invalid \/instances: 0 instances/],
    ['too many', put((b) => b.writeUInt32LE(5000, 4)), /invalid \/instances: 5000 instances/],
    ['negative amount', put((b) => b.writeDoubleLE(-3, amountOf1)), /\/instances\/1\/transaction\/amount: must be ≥ 0/],
    ['NaN risk', put((b) => b.writeDoubleLE(Number.NaN, riskOf1)), /user_device_risk_score: must be a finite/],
    ['text cut', (b) => b.subarray(0, b.length - 1), /invalid \/strings: the string lengths add up/],
    ['empty id', () => encodeInstances([{ ...good0, transaction: { ...good0.transaction, id: '' } }])!, emptyId],
  ];
  for (const [name, spoil, want] of cases) {
    const { status, json } = await postCompact(spoil(Buffer.from(good)));
    assert.is(status, 400, name);
    assert.is(json.error.code, 'INVALID_INPUT', name);
    assert.match(json.error.message, want, name);
  }
  const { status } = await postCompact(good);
  assert.is(status, 200);
});

/** a server on loopback; its URL and a close */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const s: Server = createServer(handler);
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((ok) => s.close(() => ok())) };
}

async function readAll(req: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('ModelClient sends JSON until the replica advertises compact bodies, then compact: the same answers', async () => {
  const types: string[] = [];
  // a pass-through that notes each request's content type
  const proxy = await listen(async (req, res) => {
    types.push(String(req.headers['content-type']));
    const r = await request(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: await readAll(req),
    });
    const keep = ['content-type', 'accept-post'].filter((h) => r.headers[h] !== undefined);
    res.writeHead(r.statusCode, Object.fromEntries(keep.map((h) => [h, String(r.headers[h])])));
    res.end(Buffer.from(await r.body.arrayBuffer()));
  });
  const xs = many(30);
  const auto = new ModelClient({ urls: [proxy.url] });
  const json = new ModelClient({ urls: [server.url], wire: 'json' });
  try {
    const want = await json.predict(xs);
    assert.equal(await auto.predict(xs), want);
    assert.equal(await auto.predict(xs), want);
    assert.equal(types, ['application/json', COMPACT_INSTANCES]);
  } finally {
    await auto.close();
    await json.close();
    await proxy.close();
  }
});

// a model server of the user's own that implements the JSON API (docs/your-pipeline.md) and nothing else
const ownServer = () => {
  const types: string[] = [];
  const started = listen(async (req, res) => {
    const type = String(req.headers['content-type']);
    types.push(type);
    const body = await readAll(req);
    if (type !== 'application/json') {
      res.writeHead(415, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ detail: `unsupported media type ${type}` }));
    }
    const { instances } = JSON.parse(body.toString('utf8')) as { instances: ScoringInput[] };
    const predictions = instances.map((x) => ({
      id: x.transaction.id,
      score: 0.25,
      fraud: false,
      source: 'model',
      modelVersion: 'theirs',
      threshold: 0.5,
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ predictions }));
  });
  return { types, started };
};

test("a model server of the user's own that reads JSON only is sent JSON only", async () => {
  const own = ownServer();
  const { url, close } = await own.started;
  const c = new ModelClient({ urls: [url] });
  try {
    for (let i = 0; i < 3; i++) {
      const ps = await c.predict(many(4));
      assert.equal(new Set(ps.map((p) => `${p.source} ${p.modelVersion}`)), new Set(['model theirs']));
    }
    assert.equal(own.types, ['application/json', 'application/json', 'application/json']);
    assert.is(c.counts.fallbacks, 0);
  } finally {
    await c.close();
    await close();
  }
});

test("wire 'compact' to a server that refuses it (415) falls back to JSON after the first refusal", async () => {
  const own = ownServer();
  const { url, close } = await own.started;
  const c = new ModelClient({ urls: [url], wire: 'compact' });
  try {
    const [p] = await c.predict([instance(1)]);
    assert.is(p!.modelVersion, 'theirs');
    await c.predict([instance(2)]);
    assert.equal(own.types, [COMPACT_INSTANCES, 'application/json', 'application/json']);
  } finally {
    await c.close();
    await close();
  }
});

test('an event time given as text goes as JSON: the client never drops what the format cannot carry', async () => {
  const xs: ScoringInput[] = many(2);
  xs[1]!.transaction.eventTime = '2026-12-06T17:00:00Z';
  assert.is(encodeInstances(xs), undefined);
  const c = new ModelClient({ urls: [server.url], wire: 'compact' });
  try {
    const ps = await c.predict(xs);
    assert.equal(
      ps.map((p) => [p.id, p.source]),
      [
        ['t0', 'model'],
        ['t1', 'model'],
      ],
    );
  } finally {
    await c.close();
  }
});

// a server from before the compact format read every body as JSON: the same server behind a proxy that drops
// the content type stands in for one
test("wire 'compact' to a replica reading any body as JSON: JSON after its first 400 INVALID_JSON", async () => {
  let seen = 0;
  const old: Server = createServer(async (req, res) => {
    seen++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await request(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type']) });
    res.end(Buffer.from(await r.body.arrayBuffer()));
  });
  await new Promise<void>((ok) => old.listen(0, '127.0.0.1', ok));
  const { port } = old.address() as { port: number };
  const c = new ModelClient({ urls: [`http://127.0.0.1:${port}`], wire: 'compact' });
  try {
    const [p] = await c.predict([instance(1)]);
    assert.is(p!.source, 'model');
    assert.is(seen, 2); // refused compact, then JSON
    await c.predict([instance(2)]);
    assert.is(seen, 3);
  } finally {
    await c.close();
    await new Promise((ok) => old.close(ok));
  }
});

test.run();
