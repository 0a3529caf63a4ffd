/**
 * `pipelab proxy` as a user runs it: it prints where it listens, forwards through its toxics,
 * SIGUSR1 takes it down, SIGINT prints what went through; a bad --toxic is a 104 naming it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';

const root = new URL('../../../..', import.meta.url).pathname;
const cli = join(root, 'bin', 'pipelab.js');

test('a bad --toxic exits 104 naming the spec and the allowed values', () => {
  const r = spawnSync(
    process.execPath,
    [cli, 'proxy', '--upstream', '127.0.0.1:9', '--toxic', 'latency:latency=-5', '--toxic', 'explode'],
    { encoding: 'utf8' },
  );
  assert.is(r.status, 104, r.stderr);
  assert.match(r.stderr, /--toxic latency:latency=-5: latency: expected a number ≥ 0/);
  assert.match(r.stderr, /--toxic explode/);
  assert.not.match(r.stderr, /at .*\.(ts|mjs):\d+/);
});

test('forwards through limit_data, goes down on SIGUSR1, reports on SIGINT', async () => {
  const echo = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const port = (echo.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [cli, 'proxy', '--upstream', `127.0.0.1:${port}`, '--toxic', 'limit_data:bytes=3'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 1000 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 10));
    return re.exec(out);
  };
  try {
    const m = await waitFor(/fault proxy listening on 127\.0\.0\.1:(\d+) → /);
    assert.ok(m, out);
    const via = Number(m![1]);
    const got = await new Promise<string>((resolve) => {
      const s: Socket = connect({ host: '127.0.0.1', port: via }, () => s.write('abcdef'));
      let text = '';
      s.on('data', (d: Buffer) => {
        text += d.toString();
      });
      s.on('close', () => resolve(text));
      s.on('error', () => {});
    });
    assert.is(got, 'abc');
    child.kill('SIGUSR1');
    assert.ok(await waitFor(/fault proxy down/), out);
    child.kill('SIGINT');
    assert.ok(await waitFor(/fault proxy closed: 1 connections, 0 refused, 1 cut by toxics/), out);
  } finally {
    child.kill('SIGKILL');
    echo.close();
  }
});

test.run();
