import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'undici';
import { startModelServer, type ModelServer } from '../../../pipeline/model-server/server.ts';
import { instance, tinyModel } from '../../helpers/fraud-model.ts';

// a Prometheus text-format sample: name, optional {labels}, value
const PROM_SAMPLE = new RegExp(
  String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?` +
    String.raw` (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$`,
);

let server: ModelServer;
test.before(async () => {
  const models = new Map([
    ['v1', await tinyModel('v1', 1)],
    ['v2', await tinyModel('v2', 7)],
  ]);
  server = await startModelServer({
    models,
    routes: [
      { version: 'v1', weight: 80 },
      { version: 'v2', weight: 20 },
    ],
    bodyLimitBytes: 64 * 1024,
    // slow calls never trip it here: a loaded CI machine must not open the breaker before the fault test
    breaker: { minCalls: 2, windowSize: 4, timeoutMs: 30_000, slowCallMs: 30_000, resetTimeoutMs: 600_000 },
  });
});
test.after(async () => {
  await server?.close();
});

async function post(body: unknown, raw?: string) {
  const res = await request(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

test('one instance is scored by the model version its user is routed to', async () => {
  const { status, json } = await post(instance(1));
  assert.is(status, 200);
  const p = json.predictions[0];
  assert.is(p.id, 't1');
  assert.is(p.source, 'model');
  assert.ok(['v1', 'v2'].includes(p.modelVersion));
  assert.ok(p.score >= 0 && p.score <= 1);
});

test('many instances in one request come back in order, both versions serving', async () => {
  const xs = Array.from({ length: 200 }, (_, i) => instance(i));
  const { status, json } = await post({ instances: xs });
  assert.is(status, 200);
  assert.equal(
    json.predictions.map((p: any) => p.id),
    xs.map((x) => x.transaction.id),
  );
  const versions = new Set(json.predictions.map((p: any) => p.modelVersion));
  assert.equal([...versions].sort(), ['v1', 'v2']);
});

test('a missing or wrong field is a 400 naming the field', async () => {
  const bad = instance(2) as any;
  delete bad.transaction.userId;
  bad.features.user_device_risk_score = 3;
  const { status, json } = await post({ instances: [instance(1), bad] });
  assert.is(status, 400);
  assert.is(json.error.code, 'INVALID_INPUT');
  const paths = json.error.issues.map((i: any) => i.path);
  assert.ok(paths.includes('/instances/1/transaction/userId'), paths.join(','));
  assert.ok(paths.includes('/instances/1/features/user_device_risk_score'), paths.join(','));
  assert.match(json.error.message, /\/instances\/1\//);
});

test('a body that is not JSON is a 400', async () => {
  const { status, json } = await post(null, '{"transaction": ');
  assert.is(status, 400);
  assert.is(json.error.code, 'INVALID_JSON');
});

test('a body over the limit is a 413', async () => {
  const xs = Array.from({ length: 600 }, (_, i) => instance(i));
  const { status, json } = await post({ instances: xs });
  assert.is(status, 413);
  assert.is(json.error.code, 'BODY_TOO_LARGE');
});

test('unknown routes are 404 and GET /predict is 405', async () => {
  assert.is((await request(`${server.url}/nope`)).statusCode, 404);
  assert.is((await request(`${server.url}/predict`)).statusCode, 405);
});

test('/healthz lists versions, routes and breaker states', async () => {
  const res = await request(`${server.url}/healthz`);
  const j = (await res.body.json()) as any;
  assert.is(res.statusCode, 200);
  assert.equal(j.versions, ['v1', 'v2']);
  assert.equal(j.breakers, { v1: 'closed', v2: 'closed' });
});

test('when the model fails, the rules answer and the breaker opens', async () => {
  server.faults.fail = true;
  try {
    for (let k = 0; k < 3; k++) {
      const { json } = await post({ instances: Array.from({ length: 20 }, (_, i) => instance(i)) });
      for (const p of json.predictions) assert.is(p.source, 'rules');
    }
    assert.is(server.breakers.get('v1')!.state, 'open');
  } finally {
    server.faults.fail = false;
  }
});

test('a model slower than the breaker timeout is answered by the rules (reason: timeout)', async () => {
  const slow = await startModelServer({
    models: new Map([['v1', await tinyModel('v1')]]),
    breaker: { timeoutMs: 50, minCalls: 100 },
  });
  try {
    slow.faults.delayMs = 300;
    const [p] = await slow.predict([instance(1)]);
    assert.equal([p!.source, p!.modelVersion], ['rules', 'v1']);
    assert.is(slow.breakers.get('v1')!.counts.timeouts, 1);
    assert.is((await slow.metrics.fallbacks.get()).values.find((v) => v.labels.reason === 'timeout')?.value, 1);
  } finally {
    await slow.close();
  }
});

/** Prometheus text exposition format 0.0.4: HELP/TYPE comments and `name{labels} value` samples */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!), line);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    m = PROM_SAMPLE.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const base = m![1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m![1]!) || types.has(base), `sample before its TYPE: ${line}`);
    samples.set(m![1]! + (m![2] ?? ''), Number(m![3]));
  }
  return samples;
}

test(
  '/metrics is Prometheus text with requests, batch sizes, inference latency, breaker state and ' + 'fallbacks',
  async () => {
    const res = await request(`${server.url}/metrics`);
    assert.match(String(res.headers['content-type']), /text\/plain/);
    const s = parsePrometheus(await res.body.text());
    assert.ok((s.get('pipelab_model_requests_total{route="/predict",status="200"}') ?? 0) >= 2);
    assert.ok((s.get('pipelab_model_batch_size_count{version="v1"}') ?? 0) >= 1);
    assert.ok((s.get('pipelab_model_batch_size_bucket{le="32",version="v1"}') ?? 0) >= 1);
    assert.ok(s.has('pipelab_model_inference_seconds_sum{version="v1"}'));
    assert.is(s.get('pipelab_model_breaker_state{version="v1"}'), 2);
    assert.ok((s.get('pipelab_model_fallbacks_total{version="v1",reason="error"}') ?? 0) >= 1);
    assert.ok((s.get('pipelab_model_predictions_total{source="rules",version="v1"}') ?? 0) >= 1);
  },
);

test(
  "a version added at run time serves once routed, and setRoutes moves users at once (the drift loop's " + 'rollout)',
  async () => {
    const s = await startModelServer({ models: new Map([['v1', await tinyModel('v1', 1)]]) });
    try {
      assert.throws(() => s.setRoutes([{ version: 'v9', weight: 1 }]), /not loaded/);
      s.addVersion('v9', await tinyModel('v9', 3));
      assert.equal(s.versions, ['v1', 'v9']);
      assert.throws(() => s.addVersion('v9', s.model('v9')!), /already loaded/);
      const users = Array.from({ length: 200 }, (_, i) => instance(i));
      const count = async () => {
        const by: Record<string, number> = {};
        for (const p of await s.predict(users)) by[p.modelVersion] = (by[p.modelVersion] ?? 0) + 1;
        return by;
      };
      assert.equal(await count(), { v1: 200 });
      s.setRoutes([
        { version: 'v1', weight: 90 },
        { version: 'v9', weight: 10 },
      ]);
      const split = await count();
      assert.ok(split.v9! > 5 && split.v9! < 40, JSON.stringify(split));
      assert.equal(s.routes(), [
        { version: 'v1', weight: 90 },
        { version: 'v9', weight: 10 },
      ]);
      s.setRoutes([{ version: 'v9', weight: 100 }]);
      assert.equal(await count(), { v9: 200 });
    } finally {
      await s.close();
    }
  },
);

test.run();
