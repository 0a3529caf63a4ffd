import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeContainerRuntime } from '../../../harness/services/container.ts';
import { resolveRedis } from '../../../harness/services/redis.ts';
import { PipelabError } from '../../../errors.ts';

test('the probe reports a missing socket without trying to connect', async () => {
  const p = await probeContainerRuntime({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.is(p.ok, false);
  assert.match(p.reason ?? '', /does not exist/);
});

test('without DOCKER_HOST the probe looks at the usual sockets and says none was found', async () => {
  const p = await probeContainerRuntime({ HOME: '/nonexistent', XDG_RUNTIME_DIR: '/nonexistent/run' });
  if (p.ok) return; // a machine with an engine: nothing to check here
  assert.match(p.endpoint, /\/nonexistent\/run\/docker\.sock/);
  assert.ok(p.reason);
});

test('the probe reports a TCP engine that does not answer', async () => {
  const p = await probeContainerRuntime({ DOCKER_HOST: 'tcp://127.0.0.1:1' }, 300);
  assert.is(p.ok, false);
});

test('forced container mode without an engine fails fast with CONTAINER_RUNTIME_MISSING', async () => {
  const t0 = performance.now();
  try {
    await resolveRedis({ mode: 'container', env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, PipelabError);
    const pe = e as PipelabError;
    assert.is(pe.code, 'CONTAINER_RUNTIME_MISSING');
    assert.is(pe.exitCode, 106);
    assert.match(pe.message, /no container runtime/);
    assert.match(pe.hint ?? '', /--redis-mode local\|embedded/);
  }
  // "fast": generous bound, only to catch a hang (a real engine search takes seconds)
  assert.ok(performance.now() - t0 < 3000);
});

test.run();
