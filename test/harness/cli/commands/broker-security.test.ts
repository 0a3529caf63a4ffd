/** `pipelab broker` with TLS, SASL and ACL flags: a SASL_SSL broker real clients use; bad flags exit 104. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { haveOpenssl, makeCerts, type TestCerts } from '../../../helpers/certs.ts';

const { Kafka, logLevel } = kafkajs;
const ok = haveOpenssl();
let certs: TestCerts;
test.before(() => {
  if (ok) certs = makeCerts();
});
test.after(() => certs?.cleanup());

function run(args: string[]) {
  const child = spawn(process.execPath, ['bin/pipelab.js', 'broker', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '',
    err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  return { child, closed, out: () => out, err: () => err };
}

test('pipelab broker --tls-cert --tls-key --sasl --user --acl-file: SASL_SSL, writes, an ACL deny', async () => {
  if (!ok) return;
  const acl = join(certs.dir, 'acl.txt');
  writeFileSync(acl, '# bob may only read\nallow User:alice all topic *\nallow User:bob read topic *\n');
  const b = run([
    ...['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey, '--sasl', 'scram-sha-512'],
    ...['--user', 'alice:a-pass', '--user', 'bob:b-pass', '--acl-file', acl],
  ]);
  try {
    const bootstrap = await new Promise<string[]>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no bootstrap line: ${b.out()} ${b.err()}`)), 20_000);
      b.child.stdout.on('data', () => {
        const m = /bootstrap (\S+) \(SASL_SSL\)/.exec(b.out());
        if (m) {
          clearTimeout(t);
          resolve(m[1]!.split(','));
        }
      });
    });
    const client = (username: string, password: string) =>
      new Kafka({
        brokers: bootstrap,
        ssl: { ca: [readFileSync(certs.ca)] },
        sasl: { mechanism: 'scram-sha-512', username, password },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      }).producer();
    const alice = client('alice', 'a-pass');
    await alice.connect();
    await alice.send({ topic: 'cli-sec', messages: [{ value: 'x' }] });
    await alice.disconnect();
    const bob = client('bob', 'b-pass');
    await bob.connect();
    const err = await bob.send({ topic: 'cli-sec', messages: [{ value: 'y' }] }).then(
      () => null,
      (e: Error) => e,
    );
    await bob.disconnect();
    assert.match(String(err?.message), /authoriz/i);
  } finally {
    b.child.kill('SIGINT');
  }
  assert.is(await b.closed, 0);
});

test('a missing --tls-cert file exits 104 naming the flag; --user without --sasl too', async () => {
  if (!ok) return;
  const a = run(['--tls-cert', join(certs.dir, 'nope.pem'), '--tls-key', certs.serverKey]);
  assert.is(await a.closed, 104);
  assert.match(a.err(), /--tls-cert/);
  assert.not.match(a.err(), /at .*\.(ts|mjs):\d+/);
  const c = run(['--user', 'alice:pw']);
  assert.is(await c.closed, 104);
  assert.match(c.err(), /--sasl/);
  assert.not.match(c.err(), /alice:pw/);
});

test.run();
