/**
 * TLS, SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and mutual TLS on the embedded broker, with
 * kafkajs and @platformatic/kafka; certificates are made at test time by openssl.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { startBroker, type Broker, type BrokerOptions } from '../../broker/index.ts';
import { PipelabError } from '../../errors.ts';
import { shimWithResolvers } from '../../harness/targets/producers.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../helpers/certs.ts';

shimWithResolvers();
const pk = await import('@platformatic/kafka');
const ok = haveOpenssl();
let certs: TestCerts;
const open: Broker[] = [];

async function broker(o: BrokerOptions): Promise<Broker> {
  const b = await startBroker({ onWarning: () => {}, ...o });
  open.push(b);
  return b;
}

test.before(() => {
  if (ok) certs = makeCerts();
});
test.after(async () => {
  for (const b of open) await b.close();
  certs?.cleanup();
});

const users = { alice: 'alice-secret', bob: 'b:o:b' };
const tlsFiles = () => ({ certFile: certs.serverCert, keyFile: certs.serverKey });

function kafkajs(b: Broker, sasl?: SASLOptions, ssl?: object | boolean) {
  return new Kafka({
    clientId: 'sec',
    brokers: b.bootstrap,
    sasl,
    ssl: ssl as never,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 3000,
  });
}

async function roundTrip(k: Kafka, topic: string): Promise<string[]> {
  const p = k.producer();
  await p.connect();
  await p.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
  await p.disconnect();
  const admin = k.admin();
  await admin.connect();
  const offs = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offs.map((o) => o.high);
}

for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
  test(`kafkajs SASL_SSL ${mechanism}: produces after authenticating; a wrong password is refused`, async () => {
    if (!ok) return;
    const b = await broker({ tls: tlsFiles(), sasl: { mechanisms: [mechanism], users } });
    const ssl = { ca: [readFileSync(certs.ca)] };
    const user = mechanism === 'plain' ? 'alice' : 'bob';
    assert.equal(
      await roundTrip(
        kafkajs(b, { mechanism, username: user, password: users[user] } as SASLOptions, ssl),
        `t-${mechanism}`,
      ),
      ['2'],
    );
    const bad = kafkajs(b, { mechanism, username: user, password: 'wrong' } as SASLOptions, ssl).admin();
    const err = await bad.connect().then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(err, 'a wrong password must not connect');
    assert.match(String(err?.message), /SASL|authentication/i);
    const s = b.stats();
    assert.ok((s.requests.SaslAuthenticate ?? 0) >= 2);
  });
}

test('SASL_PLAINTEXT: a client that skips SASL is disconnected before any topic request', async () => {
  if (!ok) return;
  const b = await broker({ sasl: { mechanisms: ['scram-sha-512'], users } });
  const admin = kafkajs(b).admin();
  const err = await admin
    .connect()
    .then(() => admin.fetchTopicMetadata({ topics: ['x'] }))
    .then(
      () => null,
      (e: Error) => e,
    );
  await admin.disconnect();
  assert.ok(err, 'an unauthenticated client must not get metadata');
  assert.is(b.stats().requests.Metadata ?? 0, 0);
  // and with credentials the same broker serves it
  assert.equal(
    await roundTrip(
      kafkajs(b, { mechanism: 'scram-sha-512', username: 'alice', password: users.alice }),
      'plaintext-sasl',
    ),
    ['2'],
  );
});

test('an in-process cluster of 3 nodes serves SASL on every node (leaders spread over them)', async () => {
  if (!ok) return;
  const b = await broker({ brokers: 3, processes: false, sasl: { mechanisms: ['scram-sha-256'], users } });
  b.createTopic('spread', { partitions: 3 });
  const k = kafkajs(b, { mechanism: 'scram-sha-256', username: 'alice', password: users.alice });
  const p = k.producer();
  await p.connect();
  await p.send({ topic: 'spread', messages: [0, 1, 2].map((i) => ({ partition: i, value: `v${i}` })) });
  await p.disconnect();
  const admin = k.admin();
  await admin.connect();
  const offs = await admin.fetchTopicOffsets('spread');
  await admin.disconnect();
  assert.equal(
    offs.map((o) => o.high),
    ['1', '1', '1'],
  );
  assert.ok((b.stats().requests.SaslAuthenticate ?? 0) >= 3, 'a session on each node');
});

test('a mechanism the broker does not enable is refused', async () => {
  if (!ok) return;
  const b = await broker({ sasl: { mechanisms: ['scram-sha-256'], users } });
  const err = await kafkajs(b, { mechanism: 'plain', username: 'alice', password: users.alice })
    .admin()
    .connect()
    .then(
      () => null,
      (e: Error) => e,
    );
  assert.match(String(err?.message), /not supported|mechanism/i);
});

test('SSL only, and mutual TLS: a certificate from the trusted CA connects, none or a stranger does not', async () => {
  if (!ok) return;
  const plainTls = await broker({ tls: tlsFiles() });
  assert.equal(await roundTrip(kafkajs(plainTls, undefined, { ca: [readFileSync(certs.ca)] }), 'ssl-only'), ['2']);
  const mtls = await broker({ tls: { ...tlsFiles(), caFile: certs.ca } });
  const withCert = {
    ca: [readFileSync(certs.ca)],
    cert: readFileSync(certs.clientCert),
    key: readFileSync(certs.clientKey),
  };
  assert.equal(await roundTrip(kafkajs(mtls, undefined, withCert), 'mtls'), ['2']);
  for (const ssl of [
    { ca: [readFileSync(certs.ca)] },
    { ca: [readFileSync(certs.ca)], cert: readFileSync(certs.strangerCert), key: readFileSync(certs.strangerKey) },
  ]) {
    const err = await kafkajs(mtls, undefined, ssl)
      .admin()
      .connect()
      .then(
        () => null,
        (e: Error) => e,
      );
    assert.ok(err, 'a client without a trusted certificate must not connect');
  }
});

test('under mutual TLS without SASL the principal is the certificate CN, and ACLs apply to it', async () => {
  if (!ok) return;
  const b = await broker({
    tls: { ...tlsFiles(), caFile: certs.ca },
    acls: ['allow User:alice all topic alice-*', 'allow User:alice describe topic *'],
  });
  b.createTopic('alice-1');
  b.createTopic('bob-1');
  const ssl = {
    ca: [readFileSync(certs.ca)],
    cert: readFileSync(certs.clientCert),
    key: readFileSync(certs.clientKey),
  };
  const p = kafkajs(b, undefined, ssl).producer();
  await p.connect();
  await p.send({ topic: 'alice-1', messages: [{ value: 'ok' }] });
  const err = await p.send({ topic: 'bob-1', messages: [{ value: 'no' }] }).then(
    () => null,
    (e: Error & { type?: string }) => e,
  );
  await p.disconnect();
  assert.is(err?.type, 'TOPIC_AUTHORIZATION_FAILED');
});

test('@platformatic/kafka SASL_SSL with SCRAM-SHA-512 and PLAIN; a wrong password is refused', async () => {
  if (!ok) return;
  const b = await broker({ tls: tlsFiles(), sasl: { mechanisms: ['plain', 'scram-sha-512'], users } });
  b.createTopic('plt-sec');
  for (const mechanism of ['SCRAM-SHA-512', 'PLAIN'] as const) {
    const producer = new pk.Producer({
      clientId: 'plt-sec',
      bootstrapBrokers: b.bootstrap,
      serializers: pk.stringSerializers,
      tls: { ca: readFileSync(certs.ca) },
      sasl: { mechanism, username: 'alice', password: users.alice },
      retries: 0,
    });
    await producer.send({ messages: [{ topic: 'plt-sec', value: mechanism }] });
    await producer.close();
  }
  const bad = new pk.Producer({
    clientId: 'plt-bad',
    bootstrapBrokers: b.bootstrap,
    serializers: pk.stringSerializers,
    tls: { ca: readFileSync(certs.ca) },
    sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'nope' },
    retries: 0,
  });
  const err = await bad.send({ messages: [{ topic: 'plt-sec', value: 'x' }] }).then(
    () => null,
    (e: Error) => e,
  );
  await bad.close();
  assert.ok(err, 'a wrong password must not produce');
  const k = kafkajs(
    b,
    { mechanism: 'plain', username: 'alice', password: users.alice },
    { ca: [readFileSync(certs.ca)] },
  );
  const admin = k.admin();
  await admin.connect();
  const offs = await admin.fetchTopicOffsets('plt-sec');
  await admin.disconnect();
  assert.equal(offs[0]?.high, '2');
});

test('users come from a file; bad paths and specs are PipelabErrors naming the option', async () => {
  if (!ok) return;
  const f = join(certs.dir, 'users.txt');
  writeFileSync(f, '# team\ncarol:pa:ss\n\n');
  const b = await broker({ sasl: { usersFile: f } });
  assert.equal(
    await roundTrip(kafkajs(b, { mechanism: 'scram-sha-256', username: 'carol', password: 'pa:ss' }), 'from-file'),
    ['2'],
  );
  const cases: Array<[BrokerOptions, RegExp]> = [
    [{ tls: { certFile: join(certs.dir, 'missing.pem'), keyFile: certs.serverKey } }, /--tls-cert/],
    [{ tls: { certFile: certs.serverCert, keyFile: join(certs.dir, 'nope.key') } }, /--tls-key/],
    [{ tls: { ...tlsFiles(), caFile: f } }, /--tls-ca/],
    [{ sasl: { usersFile: join(certs.dir, 'no-users') } }, /--users/],
    [{ sasl: {} }, /--user NAME:PASSWORD/],
  ];
  for (const [o, re] of cases) {
    const e = await startBroker(o).then(
      (x) => x.close().then(() => null),
      (e: unknown) => e,
    );
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).exitCode, 104);
    assert.match(`${(e as PipelabError).message} ${(e as PipelabError).hint}`, re);
  }
});

test('a listener off loopback without TLS and SASL warns; with both it does not', async () => {
  if (!ok) return;
  const warnings: string[] = [];
  await broker({ host: '0.0.0.0', onWarning: (m) => warnings.push(m) });
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!, /without TLS or SASL/);
  await broker({ host: '0.0.0.0', tls: tlsFiles(), sasl: { users }, onWarning: (m) => warnings.push(m) });
  assert.is(warnings.length, 1);
  await broker({ host: '0.0.0.0', sasl: { mechanisms: ['plain'], users }, onWarning: (m) => warnings.push(m) });
  assert.match(warnings[1] ?? '', /PLAIN but without TLS: passwords cross the network in clear/);
});

test.run();
