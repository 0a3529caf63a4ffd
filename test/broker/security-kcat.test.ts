/** librdkafka (Debian's kcat) against the TLS + SASL broker: SASL_SSL with SCRAM and PLAIN, mutual TLS. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type Broker } from '../../broker/index.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../helpers/certs.ts';
import { runKcat } from '../helpers/kcat.ts';
import { haveTool } from '../helpers/tools.ts';

const ok = haveTool('kcat', ['-V']) && haveOpenssl();
let certs: TestCerts;
let saslSsl: Broker, mtls: Broker;

/**
 * runs kcat with `conf` as -X settings; with `refusal`, ends it as soon as its stderr shows the broker
 * refused it: librdkafka logs the refusal at once but retries until kcat's metadata timeout (-m 3) runs out, 3 s each
 */
const kcat = (b: Broker, conf: string[], args: string[], input?: string, refusal?: RegExp) =>
  runKcat(b.bootstrap, [...conf.flatMap((c) => ['-X', c]), ...args], { input, refusal });

/** librdkafka's log line for a wrong password, and the TLS alert for a client without a certificate */
const REFUSED_SASL = /SASL authentication error: Authentication failed/;
const REFUSED_TLS = /alert certificate required/;

const sasl = (mechanism: string, user: string, password: string) => [
  'security.protocol=SASL_SSL',
  `sasl.mechanisms=${mechanism}`,
  `sasl.username=${user}`,
  `sasl.password=${password}`,
  `ssl.ca.location=${certs.ca}`,
];

test.before(async () => {
  if (!ok) return;
  certs = makeCerts();
  const tls = { certFile: certs.serverCert, keyFile: certs.serverKey };
  saslSsl = await startBroker({ tls, sasl: { users: { alice: 'al1ce', bob: 'b0b' } } });
  mtls = await startBroker({ tls: { ...tls, caFile: certs.ca } });
});
test.after(async () => {
  await saslSsl?.close();
  await mtls?.close();
  certs?.cleanup();
});

for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN']) {
  test(`kcat SASL_SSL ${mechanism}: produce then consume; a wrong password gets no metadata`, async () => {
    if (!ok) return;
    const topic = `kc-${mechanism.toLowerCase()}`;
    const conf = sasl(mechanism, 'alice', 'al1ce');
    const p = await kcat(saslSsl, conf, ['-P', '-t', topic], 'one\ntwo\nthree\n');
    assert.is(p.code, 0, p.err);
    const c = await kcat(saslSsl, conf, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    assert.is(c.code, 0, c.err);
    assert.equal(c.out.trim().split('\n'), ['one', 'two', 'three']);
    const bad = await kcat(
      saslSsl,
      [...sasl(mechanism, 'alice', 'wrong'), 'socket.timeout.ms=3000'],
      ['-L', '-m', '3'],
      undefined,
      REFUSED_SASL,
    );
    // no metadata listed, no success: kcat ended on the refusal, or failed on its own
    assert.is.not(bad.code, 0);
    assert.is(bad.out, '');
    assert.match(bad.err, REFUSED_SASL);
  });
}

test('kcat mutual TLS: with the client certificate it lists topics; without one it cannot', async () => {
  if (!ok) return;
  mtls.createTopic('mtls-topic', { partitions: 2 });
  const base = ['security.protocol=SSL', `ssl.ca.location=${certs.ca}`];
  const good = await kcat(
    mtls,
    [...base, `ssl.certificate.location=${certs.clientCert}`, `ssl.key.location=${certs.clientKey}`],
    ['-L', '-t', 'mtls-topic'],
  );
  assert.is(good.code, 0, good.err);
  assert.match(good.out, /topic "mtls-topic" with 2 partitions/);
  const none = await kcat(mtls, [...base, 'socket.timeout.ms=3000'], ['-L', '-m', '3'], undefined, REFUSED_TLS);
  assert.is.not(none.code, 0);
  assert.is(none.out, '');
  assert.match(none.err, REFUSED_TLS);
});

test.run();
