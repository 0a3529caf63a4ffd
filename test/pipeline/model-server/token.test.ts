/** The model server's optional bearer token: /predict and /metrics need it, /healthz is open; the client sends it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'undici';
import { ModelClient } from '../../../pipeline/model-server/client.ts';
import { startModelServer, type ModelServer } from '../../../pipeline/model-server/server.ts';
import { instance, tinyModel } from '../../helpers/fraud-model.ts';

let server: ModelServer;
const token = 'tok-3f1c9a';
test.before(async () => {
  server = await startModelServer({ models: new Map([['v1', await tinyModel('v1')]]), token });
});
test.after(async () => {
  await server?.close();
});

const post = (auth?: string) =>
  request(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify({ instances: [instance(1)] }),
  });

test('without the token, or with a wrong one, /predict and /metrics answer 401; /healthz answers 200', async () => {
  for (const auth of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
    const r = await post(auth);
    assert.is(r.statusCode, 401, String(auth));
    assert.is(r.headers['www-authenticate'], 'Bearer');
    assert.is(((await r.body.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  }
  const m = await request(`${server.url}/metrics`);
  assert.is(m.statusCode, 401);
  await m.body.dump();
  const h = await request(`${server.url}/healthz`);
  assert.is(h.statusCode, 200);
  await h.body.dump();
});

test('with the token the server scores, and the client sends it', async () => {
  const r = await post(`Bearer ${token}`);
  assert.is(r.statusCode, 200);
  await r.body.dump();
  const c = new ModelClient({ urls: [server.url], token });
  try {
    const [p] = await c.predict([instance(2)]);
    assert.is(p?.source, 'model');
    assert.is(c.counts.fallbacks, 0);
  } finally {
    await c.close();
  }
});

test.run();
