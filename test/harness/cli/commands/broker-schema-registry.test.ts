/** `pipelab broker --schema-registry-port N` serves the embedded schema registry beside the broker. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createSerializer } from '../../../../harness/formats/index.ts';

const ORDER = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

function run(args: string[]) {
  const child = spawn(process.execPath, ['bin/pipelab.js', 'broker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { out: '', err: '' };
  child.stdout.on('data', (d) => (io.out += d));
  child.stderr.on('data', (d) => (io.err += d));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  return { child, io, closed };
}

test('prints the registry URL; a client registers and reads through it; SIGINT stops both', async () => {
  const { child, io, closed } = run(['--port', '0', '--schema-registry-port', '0']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no schema registry line: ${io.out}${io.err}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /schema registry: (http:\/\/\S+)/.exec(io.out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const s = await createSerializer({
      format: 'avro-confluent',
      schema: ORDER,
      registry: { url },
      subject: 'o-value',
    });
    assert.is(s.schemaId, 1);
    assert.equal({ ...(s.decode(s.encode({ id: 'a' })) as object) }, { id: 'a' });
    assert.equal(await (await fetch(`${url}/subjects`)).json(), ['o-value']);
  } finally {
    child.kill('SIGINT');
  }
  assert.is(await closed, 0);
  assert.match(io.out, /stopped/);
});

test('a registry port in use exits 106 naming the address; a bad port value exits 104', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const busy = run(['--port', '0', '--schema-registry-port', String(port)]);
    assert.is(await busy.closed, 106);
    assert.match(
      busy.io.err,
      new RegExp(`schema registry could not listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
  } finally {
    blocker.close();
  }
  const bad = run(['--schema-registry-port', 'http']);
  assert.is(await bad.closed, 104);
  assert.match(bad.io.err, /invalid --schema-registry-port/);
});

test.run();
