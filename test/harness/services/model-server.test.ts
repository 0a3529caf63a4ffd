import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'undici';
import { resolveModelServer } from '../../../harness/services/model-server.ts';
import { resolveServices, serviceOptionsFrom, servicesRequestFrom } from '../../../harness/services/index.ts';
import { freePort } from '../../../harness/services/ports.ts';
import { instance } from '../../helpers/fraud-model.ts';

const env = { PATH: process.env.PATH, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const predict = async (url: string) => {
  const res = await request(`${url}/predict`, {
    method: 'POST',
    body: JSON.stringify(instance(1)),
    headers: { 'content-type': 'application/json' },
  });
  return ((await res.body.json()) as any).predictions[0];
};

test('without an address the model server runs embedded, in process, and the skipped modes say why', async () => {
  const s = await resolveModelServer({ env });
  try {
    assert.is(s.mode, 'embedded');
    assert.ok(
      s.skipped.some((x) => x.startsWith('local: opt-in')),
      s.skipped.join('; '),
    );
    // the answer may come from the rules if this machine is too loaded for the breaker's timeout
    assert.is((await predict(s.connection.url)).id, 't1');
  } finally {
    await s.close();
  }
});

test('local mode runs `pipelab serve-model` as its own process, stopped on close', async () => {
  const s = await resolveModelServer({ mode: 'local', env, setup: { routes: [{ version: 'v1', weight: 1 }] } });
  try {
    assert.is(s.mode, 'local');
    assert.match(s.detail, /pipelab serve-model pid \d+/);
    const p = await predict(s.connection.url);
    assert.equal([p.id, p.modelVersion], ['t1', 'v1']);
  } finally {
    await s.close();
  }
  await request(`${s.connection.url}/healthz`).then(
    () => assert.unreachable('still running'),
    () => {},
  );
});

test('an external address is checked with /healthz, and a dead one is a clear error', async () => {
  const inner = await resolveModelServer({ env });
  try {
    const ext = await resolveModelServer({ env: { ...env, PIPELAB_MODEL_SERVER: inner.connection.url } });
    assert.is(ext.mode, 'external');
    await ext.close();
  } finally {
    await inner.close();
  }
  try {
    await resolveModelServer({ url: `http://127.0.0.1:${await freePort()}`, env });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'SERVICE_UNAVAILABLE');
  }
});

test('resolveServices records the mode of each service for the run summary', async () => {
  const s = await resolveServices({ redis: { mode: 'embedded', env }, modelServer: { env } });
  try {
    const info = s.info();
    assert.equal(Object.keys(info).sort(), ['model-server', 'redis']);
    assert.is(info.redis!.mode, 'embedded');
    assert.is(info['model-server']!.mode, 'embedded');
  } finally {
    await s.close();
  }
});

test('CLI flags map to resolve options and a bad mode names the flag', () => {
  assert.equal(serviceOptionsFrom({ redis: 'redis://x:1', redisMode: 'external' }).redis, {
    url: 'redis://x:1',
    mode: 'external',
  });
  assert.throws(() => serviceOptionsFrom({ modelServerMode: 'docker' }), /--model-server-mode/);
});

test("the runner's service overrides map to resolve options, kebab or camel case", () => {
  const r = servicesRequestFrom({ redis: 'redis://h:6379', 'model-server-mode': 'local', kafka: 'k:9092' });
  assert.equal(r.redis, { url: 'redis://h:6379', mode: undefined });
  assert.equal(r.modelServer, { url: undefined, mode: 'local' });
  assert.equal(servicesRequestFrom({ redisMode: 'embedded' }).redis, { url: undefined, mode: 'embedded' });
});

test.run();
