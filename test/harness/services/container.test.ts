import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeContainerRuntime, socketCandidates } from '../../../harness/services/container.ts';
import { resolveRedis } from '../../../harness/services/redis.ts';
import { PipelabError } from '../../../errors.ts';

test('the probe reports a missing socket without trying to connect', async () => {
  const p = await probeContainerRuntime({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.is(p.ok, false);
  assert.match(p.reason ?? '', /does not exist/);
});

test('without DOCKER_HOST the probe looks where testcontainers does: rootful, rootless, Desktop, Podman', () => {
  const c = socketCandidates({ HOME: '/h', XDG_RUNTIME_DIR: '/run/user/7' });
  assert.equal(c, [
    '/var/run/docker.sock',
    '/run/user/7/docker.sock',
    '/run/user/7/podman/podman.sock',
    '/h/.docker/run/docker.sock',
    '/h/.docker/desktop/docker.sock',
  ]);
  assert.equal(socketCandidates({}), ['/var/run/docker.sock']);
});

test('without DOCKER_HOST: no socket, a socket nobody answers on, and one that answers', async () => {
  // the candidates are explicit, so the outcome does not depend on this machine having an engine
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-probe-'));
  const sock = join(dir, 'docker.sock');
  try {
    const none = await probeContainerRuntime({}, 300, [sock]);
    assert.is(none.ok, false);
    assert.is(none.endpoint, sock);
    assert.match(none.reason ?? '', /no Docker or Podman socket found/);

    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(sock, r));
    const up = await probeContainerRuntime({}, 300, ['/nonexistent/docker.sock', sock]);
    assert.equal(up, { ok: true, endpoint: sock });
    await new Promise<void>((r) => server.close(() => r()));

    // a stale socket file: present, but nothing listens (ECONNREFUSED)
    writeFileSync(sock, '');
    const stale = await probeContainerRuntime({}, 300, [sock]);
    assert.is(stale.ok, false);
    assert.match(stale.reason ?? '', new RegExp(`^${sock}: `));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the probe reports a TCP engine that does not answer', async () => {
  const p = await probeContainerRuntime({ DOCKER_HOST: 'tcp://127.0.0.1:1' }, 300);
  assert.is(p.ok, false);
});

test('forced container mode without an engine fails fast with CONTAINER_RUNTIME_MISSING', async () => {
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
});

test.run();
