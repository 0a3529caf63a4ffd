/** ACLs on the embedded broker with SASL principals, through kafkajs; the rule parser. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kafka, logLevel } from 'kafkajs';
import { Acl, parseAclRule } from '../../broker/auth/acl.ts';
import { startBroker, type Broker } from '../../broker/index.ts';
import { PipelabError } from '../../errors.ts';
import { RawClient } from './raw-client.ts';

let broker: Broker;
const users = { alice: 'a', bob: 'b', carol: 'c' };
test.before(async () => {
  broker = await startBroker({
    minSessionTimeoutMs: 1000,
    sasl: { mechanisms: ['scram-sha-256'], users },
    acls: [
      'allow User:alice all topic *',
      'allow User:alice all group *',
      'allow User:bob read topic orders',
      'allow User:bob read group bob-*',
      'deny User:bob all topic orders-secret',
      'allow User:bob read topic orders-*',
    ],
  });
});
test.after(async () => {
  await broker.close();
});

const kafka = (username: keyof typeof users) =>
  new Kafka({
    brokers: broker.bootstrap,
    sasl: { mechanism: 'scram-sha-256', username, password: users[username] },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: Error & { type?: string }) => e,
  );

test('an allowed writer produces; a read-only principal is refused with TOPIC_AUTHORIZATION_FAILED', async () => {
  const a = kafka('alice').producer();
  await a.connect();
  await a.send({ topic: 'orders', messages: [{ value: '1' }] });
  await a.disconnect();
  const b = kafka('bob').producer();
  await b.connect();
  const err = await failure(b.send({ topic: 'orders', messages: [{ value: '2' }] }));
  await b.disconnect();
  assert.is(err?.type, 'TOPIC_AUTHORIZATION_FAILED');
});

test('a consumer in a group it may not read gets GROUP_AUTHORIZATION_FAILED; its own prefix works', async () => {
  const c = kafka('bob').consumer({ groupId: 'alice-group', sessionTimeout: 6000 });
  await c.connect();
  const crashed = new Promise<Error>((resolve) => c.on(c.events.CRASH, (e) => resolve(e.payload.error)));
  await c.subscribe({ topic: 'orders', fromBeginning: true });
  await c.run({ eachMessage: async () => {} });
  const err = (await crashed) as Error & { type?: string };
  await c.disconnect();
  // kafkajs reports the refused FindCoordinator as "failed to find group coordinator"; the code is checked raw below
  assert.match(String(err?.message), /coordinator/i);
  const ok = kafka('bob').consumer({ groupId: 'bob-1', sessionTimeout: 6000 });
  await ok.connect();
  await ok.subscribe({ topic: 'orders', fromBeginning: true });
  const got = await new Promise<string>((resolve) => {
    void ok.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
  });
  await ok.disconnect();
  assert.is(got, '1');
});

test('deny wins over a prefix allow; listing shows only describable topics; create is checked', async () => {
  const admin = kafka('alice').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders-secret' }, { topic: 'orders-eu' }, { topic: 'payroll' }] });
  await admin.disconnect();
  const bob = kafka('bob').admin();
  await bob.connect();
  const listed = (await bob.listTopics()).sort();
  assert.equal(listed, ['orders', 'orders-eu']);
  const created = await failure(bob.createTopics({ topics: [{ topic: 'bobs' }] }));
  assert.equal(
    (created as Error & { errors?: Array<{ type: string }> })?.errors?.map((e) => e.type),
    ['TOPIC_AUTHORIZATION_FAILED'],
  );
  await bob.disconnect();
  const carol = kafka('carol').admin();
  await carol.connect();
  assert.equal(await carol.listTopics(), []);
  await carol.disconnect();
});

/** waits (up to 5 s) for the broker to close a raw connection */
async function closedSoon(c: RawClient): Promise<boolean> {
  for (let i = 0; i < 500 && !c.closed; i++) await new Promise((res) => setTimeout(res, 10));
  return c.closed;
}

test('raw: FindCoordinator for a group the principal may not describe is GROUP_AUTHORIZATION_FAILED', async () => {
  const b = await startBroker({ sasl: { mechanisms: ['plain'], users }, acls: ['allow User:bob read group bob-*'] });
  try {
    const raw = await RawClient.connect(b.bootstrap[0]!);
    const hs = await raw.send(17, 1, (w) => w.string('PLAIN'))!;
    assert.is(hs.int16(), 0);
    const auth = await raw.send(36, 0, (w) => w.bytes(Buffer.from('\0bob\0b')))!;
    assert.is(auth.int16(), 0);
    const denied = await raw.send(10, 0, (w) => w.string('alice-group'))!;
    assert.is(denied.int16(), 30);
    const allowed = await raw.send(10, 0, (w) => w.string('bob-1'))!;
    assert.is(allowed.int16(), 0);
    raw.close();
  } finally {
    await b.close();
  }
});

test('raw: a wrong PLAIN password gets SASL_AUTHENTICATION_FAILED and a close, as a request before SASL', async () => {
  const scramOnly = await RawClient.connect(broker.bootstrap[0]!);
  assert.is((await scramOnly.send(17, 1, (w) => w.string('PLAIN'))!).int16(), 33, 'UNSUPPORTED_SASL_MECHANISM');
  scramOnly.close();
  const b = await startBroker({ sasl: { mechanisms: ['plain'], users } });
  try {
    const c = await RawClient.connect(b.bootstrap[0]!);
    assert.is((await c.send(17, 1, (w) => w.string('PLAIN'))!).int16(), 0);
    const r = await c.send(36, 1, (w) => w.bytes(Buffer.from('\0bob\0wrong')))!;
    assert.is(r.int16(), 58);
    assert.match(String(r.nullableString()), /Invalid username or password/);
    assert.ok(await closedSoon(c), 'the broker closes the connection after a failed authentication');
    const pre = await RawClient.connect(b.bootstrap[0]!);
    void pre.send(3, 1, (w) => w.array([], () => {}));
    assert.ok(await closedSoon(pre), 'a Metadata request before authentication closes the connection');
  } finally {
    await b.close();
  }
});

test('rules: deny wins, read implies describe, prefixes and *; bad rules are PipelabErrors with the syntax', () => {
  const acl = new Acl([
    parseAclRule('allow User:x read topic a*', 't'),
    parseAclRule('deny * write topic *', 't'),
    parseAclRule('allow * write topic a1', 't'),
  ]);
  assert.ok(acl.allows('User:x', 'topic', 'abc', 'read'));
  assert.ok(acl.allows('User:x', 'topic', 'abc', 'describe'));
  assert.not.ok(acl.allows('User:x', 'topic', 'b', 'read'));
  assert.not.ok(acl.allows('User:x', 'topic', 'a1', 'write'));
  assert.not.ok(acl.allows('User:x', 'group', 'abc', 'read'));
  for (const bad of [
    'allow alice read topic t',
    'permit * read topic t',
    'allow * fly topic t',
    'allow * read table t',
    'allow *',
  ]) {
    const e = (() => {
      try {
        parseAclRule(bad, '--acl');
      } catch (e) {
        return e;
      }
    })();
    assert.instance(e, PipelabError, bad);
    assert.is((e as PipelabError).exitCode, 104);
    assert.match((e as PipelabError).hint ?? '', /allow\|deny PRINCIPAL OPERATION topic\|group NAME/);
  }
});

test.run();
