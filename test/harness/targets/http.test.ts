import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Rng } from '../../../generators/rng.ts';
import { create, schema } from '../../../harness/targets/http.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import type { Target } from '../../../harness/targets/api.ts';
import type { CounterData, RateData, TrendData } from '../../../results/types.ts';
import { FakeRegistry } from '../executors/fake-metrics.ts';

let server: Server;
let base = '';
const bodies: { method?: string; type?: string; body: string }[] = [];

test.before(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/echo') bodies.push({ method: req.method, type: req.headers['content-type'], body });
      const status = req.url?.startsWith('/status/') ? Number(req.url.slice(8)) : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const it = (n: number) => ({ vu: 1, iteration: n, intendedStartMs: 0, signal: new AbortController().signal });
async function target(config: object): Promise<Target> {
  const t = create(schema.parse({ type: 'http', ...config }));
  await t.setup({
    metrics: new FakeRegistry(),
    now: () => 0,
    rng: new Rng(1),
    signal: new AbortController().signal,
    tags: {},
  });
  return t;
}

for (const engine of ['raw', 'undici'] as const) {
  test(`${engine}: 2xx is ok and tagged with its status`, async () => {
    const t = await target({ engine, url: `${base}/` });
    assert.equal(await t.iterate(it(0)), { ok: true, tags: { status: '200' } });
    await t.teardown();
  });

  test(`${engine}: non-2xx is an error tagged with its status, unless listed in okStatus`, async () => {
    const t = await target({ engine, url: `${base}/status/503` });
    assert.equal(await t.iterate(it(0)), { ok: false, tags: { status: '503' } });
    await t.teardown();
    const t2 = await target({ engine, url: `${base}/status/404`, okStatus: [404] });
    assert.equal(await t2.iterate(it(0)), { ok: true, tags: { status: '404' } });
    await t2.teardown();
  });

  test(`${engine}: a refused connection is an error with status 0 and the error code`, async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const t = await target({ engine, url: `http://127.0.0.1:${port}/` });
    const o = await t.iterate(it(0));
    assert.is(o.ok, false);
    assert.is(o.tags?.status, '0');
    assert.is(o.tags?.error, 'ECONNREFUSED');
    await t.teardown();
  });

  test(`${engine}: an object body is sent as JSON with POST by default`, async () => {
    const t = await target({ engine, url: `${base}/echo`, body: { a: 1 } });
    await t.iterate(it(0));
    await t.teardown();
    assert.equal(bodies.at(-1), { method: 'POST', type: 'application/json', body: '{"a":1}' });
  });

  test(`${engine}: services() reports the URL as external`, async () => {
    const t = await target({ engine, url: `${base}/` });
    assert.equal(t.services(), {
      target: { mode: 'external', detail: `GET ${base}/${engine === 'raw' ? '' : ' (undici)'}` },
    });
    await t.teardown();
  });

  test(`${engine}: an open-model run against a local server records status sub-metrics and errors`, async () => {
    const s = await runScenario({
      name: 'http-open',
      target: { type: 'http', engine, url: `${base}/status/500` },
      // maxVUs = every planned iteration: none can be dropped however slow a busy machine makes the server
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 50, duration: '1s', preAllocatedVUs: 5, maxVUs: 50 },
      },
      thresholds: { 'latency{status:500}': ['count>0'], errors: ['rate>0.99'] },
    });
    assert.is((s.metrics.iterations as CounterData).count, 50);
    assert.is((s.metrics.errors as RateData).rate, 1);
    assert.is((s.metrics['latency{status:500}'] as TrendData).count, 50);
    assert.ok(s.thresholds.every((t) => t.ok));
    assert.equal(s.services.target?.mode, 'external');
  });

  test(`${engine}: requests a server never answers are cut at gracefulStop, and the run ends`, async () => {
    const silent = createNetServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const s = await runScenario({
      name: 'http-silent',
      target: { type: 'http', engine, url: `http://127.0.0.1:${port}/`, timeout: '1m' },
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 20, duration: '200ms', gracefulStop: '100ms', maxVUs: 10 },
      },
    });
    silent.close();
    assert.is(s.aborted, undefined);
    assert.is(s.executors[0]!.scheduled, 4);
    assert.is(s.executors[0]!.completed, 0);
  });
}

test('the autocannon engine folds every response into the registry (closed model, 1 s)', async () => {
  const s = await runScenario({
    name: 'http-autocannon',
    target: { type: 'http', url: `${base}/`, engine: 'autocannon' },
    executors: { main: { executor: 'constant-vus', vus: 4, duration: '1s' } },
  });
  const n = (s.metrics.iterations as CounterData).count;
  assert.ok(n > 10, `requests ${n}`);
  assert.is((s.metrics.latency as TrendData).count, n);
  assert.is((s.metrics.errors as RateData).passes, 0);
  assert.is(s.executors[0]?.completed, n);
  assert.is((s.extra?.autocannon as { requests: number } | undefined)?.requests, n);
});

test.run();
