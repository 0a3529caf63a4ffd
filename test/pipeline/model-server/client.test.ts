import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelClient, CLIENT_FALLBACK_VERSION } from '../../../pipeline/model-server/client.ts';
import { startModelServer, type ModelServer } from '../../../pipeline/model-server/server.ts';
import { freePort } from '../../../harness/services/ports.ts';
import { instance, tinyModel } from '../../helpers/fraud-model.ts';

let a: ModelServer, b: ModelServer;
test.before(async () => {
  const models = new Map([['v1', await tinyModel('v1')]]);
  // lenient server breakers: on a loaded machine a slow batch must not turn answers into rules
  const breaker = { timeoutMs: 30_000, slowCallMs: 30_000 };
  a = await startModelServer({ models, breaker });
  b = await startModelServer({ models, breaker });
});
test.after(async () => {
  await a?.close();
  await b?.close();
});

test('round-robin spreads requests over the replicas', async () => {
  const c = new ModelClient({ urls: [a.url, b.url], strategy: 'round-robin' });
  try {
    for (let i = 0; i < 10; i++) await c.predict([instance(i)]);
    const count = async (s: ModelServer) =>
      (await s.metrics.requests.get()).values.find((v) => v.labels.route === '/predict')?.value ?? 0;
    assert.is(await count(a), 5);
    assert.is(await count(b), 5);
  } finally {
    await c.close();
  }
});

test('a replica that is down is skipped and the other answers with the model', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const c = new ModelClient({
    urls: [dead, a.url],
    strategy: 'round-robin',
    breaker: { minCalls: 1, windowSize: 2, timeoutMs: 30_000, slowCallMs: 30_000 },
  });
  try {
    for (let i = 0; i < 6; i++) {
      const [p] = await c.predict([instance(i)]);
      assert.is(p!.source, 'model');
    }
    assert.is(c.states()[dead], 'open');
  } finally {
    await c.close();
  }
});

test('with every replica down the client falls back to the rules', async () => {
  const c = new ModelClient({ urls: [`http://127.0.0.1:${await freePort()}`], breaker: { minCalls: 1 } });
  try {
    const ps = await c.predict([instance(1), instance(2)]);
    assert.equal(
      ps.map((p) => [p.source, p.modelVersion]),
      [
        ['rules', CLIENT_FALLBACK_VERSION],
        ['rules', CLIENT_FALLBACK_VERSION],
      ],
    );
    assert.is(c.counts.fallbacks, 1);
  } finally {
    await c.close();
  }
});

test('more instances than one request may carry are sent in chunks and come back in order', async () => {
  const c = new ModelClient({
    urls: [a.url, b.url],
    strategy: 'least-pending',
    breaker: { timeoutMs: 30_000, slowCallMs: 30_000 },
  });
  try {
    const xs = Array.from({ length: 1500 }, (_, i) => instance(i));
    const ps = await c.predict(xs);
    assert.equal(
      ps.map((p) => p.id),
      xs.map((x) => x.transaction.id),
    );
    assert.is(c.counts.requests, 3);
  } finally {
    await c.close();
  }
});

test('a request the server rejects (4xx) is an error for the caller, not a fallback', async () => {
  const c = new ModelClient({ urls: [a.url] });
  try {
    const bad = instance(1) as any;
    bad.transaction.amount = -5;
    await c.predict([bad]).then(
      () => assert.unreachable('should throw'),
      (e: Error) => assert.match(e.message, /amount/),
    );
    assert.is(c.states()[a.url], 'closed');
  } finally {
    await c.close();
  }
});

test.run();
