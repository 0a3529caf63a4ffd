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

test('ModelClient sends compact bodies by default and JSON when asked, with the same answers', async () => {
  const xs = many(30);
  const compact = new ModelClient({ urls: [server.url] });
  const json = new ModelClient({ urls: [server.url], wire: 'json' });
  try {
    assert.equal(await compact.predict(xs), await json.predict(xs));
  } finally {
    await compact.close();
    await json.close();
  }
});

test('an event time given as text goes as JSON: the client never drops what the format cannot carry', async () => {
  const xs: ScoringInput[] = many(2);
  xs[1]!.transaction.eventTime = '2026-12-06T17:00:00Z';
  assert.is(encodeInstances(xs), undefined);
  const c = new ModelClient({ urls: [server.url] });
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
test('a replica that reads every body as JSON gets JSON from the client after its first refusal', async () => {
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
  const c = new ModelClient({ urls: [`http://127.0.0.1:${port}`] });
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
