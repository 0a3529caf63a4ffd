/**
 * The replicated cluster (one OS process per node) serves the same TLS, SASL and ACLs as a single
 * broker: kafkajs over SASL_SSL with SCRAM-SHA-512 produces with acks=all to a topic replicated 3
 * ways (acks=all waits for the whole ISR, so every follower must fetch every record, over the nodes'
 * internal loopback listener) and reads it all back; after a hard kill of partition 0's leader the
 * data is served by the new leader; a wrong password is refused on every node; an ACL that only
 * lets bob read refuses his writes with TOPIC_AUTHORIZATION_FAILED.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { startBroker, type Broker } from '../../broker/index.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../helpers/certs.ts';
import { readValues } from '../helpers/read-values.ts';

const ok = haveOpenssl();
let certs: TestCerts;
let broker: Broker | undefined;
const users = { alice: 'alice-secret-1', bob: 'bob-secret-2' };
const TOPIC = 'secured';

test.before(async () => {
  if (!ok) return;
  // uvu fails every test of a file whose before hook throws without printing why: say it here
  await setUp().catch((e: unknown) => {
    console.error('replication-security set-up failed:', e);
    throw e;
  });
});

async function setUp(): Promise<void> {
  certs = makeCerts();
  broker = await startBroker({
    brokers: 3,
    port: 0,
    // the other replicated suites' 100 / 1000 ms, with room: at 50 / 600 a node process stalled 0.6 s by the whole
    // suite's load (TLS and tsx start-up, 2 cores) can be taken for dead while the cluster forms
    nodeHeartbeatMs: 100,
    nodeSessionMs: 2000,
    replicaLagMs: 2000,
    minInsyncReplicas: 2,
    tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
    sasl: { mechanisms: ['scram-sha-512', 'plain'], users },
    acls: [
      'allow User:alice all topic *',
      'allow User:alice all group *',
      'allow User:bob read topic *',
      'allow User:bob describe topic *',
      'allow User:bob all group *',
    ],
    onWarning: () => {},
  });
  await broker.createTopic(TOPIC, { partitions: 3, replicationFactor: 3 });
}
test.after(async () => {
  await broker?.close();
  certs?.cleanup();
});

function client(user: keyof typeof users, password = users[user]) {
  return new Kafka({
    clientId: `sec-${user}`,
    brokers: (broker as Broker).bootstrap,
    ssl: { ca: [readFileSync(certs.ca)] },
    sasl: { mechanism: 'scram-sha-512', username: user, password } as SASLOptions,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 500 },
    connectionTimeout: 3000,
  });
}

/** the topic's values, sorted (three partitions: no order across them), once `n` arrived (within 20 s) */
const readAll = async (k: Kafka, n: number) =>
  (await readValues(k, TOPIC, (v) => v.length >= n, { ms: 20_000 })).sort();

const values = Array.from({ length: 30 }, (_, i) => `v${String(i).padStart(2, '0')}`);

test('SASL_SSL SCRAM-SHA-512, 3 node processes: acks=all with the whole ISR (each follower fetched)', async () => {
  if (!ok) return;
  const p = client('alice').producer({ idempotent: true });
  await p.connect();
  for (let i = 0; i < values.length; i += 10)
    await p.send({ topic: TOPIC, acks: -1, messages: values.slice(i, i + 10).map((value) => ({ value })) });
  await p.disconnect();
  assert.equal(await readAll(client('alice'), values.length), values);
  const v = broker!.replication!.view()!;
  assert.ok(
    v.isr[TOPIC]!.every((isr) => isr.length === 3),
    'every replica in sync',
  );
});

test('a hard kill of partition 0 leader: a follower, fed over the internal listener, serves everything', async () => {
  if (!ok) return;
  const b = broker as Broker;
  const leader = b.replication!.view()!.leaders[TOPIC]![0]!;
  await b.nodes![leader]!.kill();
  await b.replication!.until((v) => v.leaders[TOPIC]!.every((l) => l >= 0 && l !== leader));
  assert.equal(await readAll(client('alice'), values.length), values);
  await b.nodes![leader]!.restart();
});

test('a wrong password is refused by every node; ACLs: bob may read, not write', async () => {
  if (!ok) return;
  for (const addr of (broker as Broker).bootstrap) {
    const k = new Kafka({
      brokers: [addr],
      ssl: { ca: [readFileSync(certs.ca)] },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'wrong' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const err = await k
      .admin()
      .connect()
      .then(
        () => null,
        (e: Error) => e,
      );
    assert.ok(err, `${addr}: a wrong password must not connect`);
  }
  const p = client('bob').producer();
  await p.connect();
  const e = await p.send({ topic: TOPIC, acks: -1, messages: [{ value: 'x' }] }).then(
    () => null,
    (x: Error & { type?: string }) => x,
  );
  await p.disconnect();
  assert.is(e?.type, 'TOPIC_AUTHORIZATION_FAILED', String(e));
  assert.ok((await readAll(client('bob'), values.length)).length >= values.length, 'bob reads');
});

test.run();
