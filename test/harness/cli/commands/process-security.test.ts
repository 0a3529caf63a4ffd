/**
 * `pipelab process` against a SASL_SSL broker: the flags (--kafka-sasl, --kafka-password-file,
 * --kafka-ca) reach its clients, it joins its group; wrong credentials exit 106 naming the flags.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../../broker/index.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../../../helpers/certs.ts';

const ok = haveOpenssl();
let certs: TestCerts;
let broker: Broker;
test.before(async () => {
  if (!ok) return;
  certs = makeCerts();
  broker = await startBroker({
    minSessionTimeoutMs: 100,
    tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
    sasl: { mechanisms: ['scram-sha-512'], users: { proc: 'pr0c-pw' } },
  });
});
test.after(async () => {
  await broker?.close();
  certs?.cleanup();
});

function processCli(password: string) {
  const pw = join(certs.dir, `pw-${password}`);
  writeFileSync(pw, `${password}\n`);
  const args = ['bin/pipelab.js', 'process', '--kafka', broker.bootstrap.join(','), '--redis-mode', 'embedded'];
  args.push('--kafka-sasl', 'scram-sha-512:proc', '--kafka-password-file', pw, '--kafka-ca', certs.ca);
  args.push('--partitions', '2', '--stats', '0', '--session-timeout', '1500');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, out: () => out };
}

test('pipelab process with --kafka-sasl, --kafka-password-file and --kafka-ca joins over SASL_SSL', async () => {
  if (!ok) return;
  const p = processCli('pr0c-pw');
  const consuming = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 60_000);
    p.child.stdout.on('data', () => {
      if (/ consuming transactions /.test(p.out())) {
        clearTimeout(t);
        resolve(true);
      }
    });
    p.child.once('exit', () => resolve(false));
  });
  p.child.kill('SIGTERM');
  assert.is(await p.exited, 0, p.out());
  assert.ok(consuming, p.out());
  assert.ok((broker.stats().requests.SaslAuthenticate ?? 0) >= 2);
});

test('a wrong password exits 106 with a hint naming --kafka-sasl, and the password is not printed', async () => {
  if (!ok) return;
  const p = processCli('not-it');
  const code = await p.exited;
  assert.is(code, 106, p.out());
  assert.match(p.out(), /--kafka-sasl/);
  assert.not.match(p.out(), /not-it/);
});

test.run();
