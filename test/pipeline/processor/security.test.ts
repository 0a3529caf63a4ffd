/**
 * The stream processor on a SASL_SSL broker with ACLs: it authenticates with its own principal,
 * reads transactions in its group and writes decisions; a principal without write access to the
 * decisions topic gets nothing through.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { createTransactionStream } from '../../../generators/transactions.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { type KafkaClientSecurity, kafkajsSecurity } from '../../../pipeline/kafka-security.ts';
import { StreamProcessor } from '../../../pipeline/processor/index.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../../helpers/certs.ts';
import { stubScorer } from '../../helpers/processor.ts';

const { Kafka, logLevel } = kafkajs;
const ok = haveOpenssl();
let certs: TestCerts;
let broker: Broker;

const scorer = stubScorer();

const as = (username: string, password: string): KafkaClientSecurity => ({
  tls: { ca: readFileSync(certs.ca, 'utf8') },
  sasl: { mechanism: 'scram-sha-256', username, password },
});

test.before(async () => {
  if (!ok) return;
  certs = makeCerts();
  broker = await startBroker({
    minSessionTimeoutMs: 100,
    tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
    sasl: { mechanisms: ['scram-sha-256'], users: { admin: 'a', proc: 'p', readonly: 'r' } },
    acls: [
      'allow User:admin all topic *',
      'allow User:admin all group *',
      'allow User:proc read topic transactions',
      'allow User:proc write topic *',
      'allow User:proc all group *',
      'allow User:readonly read topic transactions',
      'allow User:readonly all group *',
    ],
  });
});
test.after(async () => {
  await broker?.close();
  certs?.cleanup();
});

function processor(security: KafkaClientSecurity, groupId: string) {
  return new StreamProcessor({
    brokers: broker.bootstrap,
    security,
    store: new MemoryFeatureStore(),
    model: scorer,
    groupId,
    compression: 'none',
    sessionTimeoutMs: 1500,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 1500,
    lagEveryMs: 0,
  });
}

test('a processor with its own SCRAM principal over TLS turns every transaction into a decision', async () => {
  if (!ok) return;
  const admin = new Kafka({
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    ...kafkajsSecurity(as('admin', 'a')),
  });
  await ensureTopics(admin, { partitions: 2 });
  const p = processor(as('proc', 'p'), 'secure-proc');
  await p.start();
  const producer = admin.producer();
  await producer.connect();
  const txs = createTransactionStream({ seed: 11 }).take(30);
  await producer.send({
    topic: TOPICS.transactions,
    messages: txs.map((t) => ({ key: t.userId, value: transactionToJson(t) })),
  });
  await producer.disconnect();
  for (let i = 0; i < 500 && p.stats().decisions < 30; i++) await new Promise((r) => setTimeout(r, 20));
  await p.stop();
  assert.is(p.stats().decisions, 30);
  const offsets = await (async () => {
    const a = admin.admin();
    await a.connect();
    const o = await a.fetchTopicOffsets(TOPICS.fraudDecisions);
    await a.disconnect();
    return o.reduce((s, x) => s + Number(x.high), 0);
  })();
  assert.is(offsets, 30);
});

test('a principal that may only read gets its decision writes refused (nothing lands on the decisions)', async () => {
  if (!ok) return;
  const before = broker.stats().recordsProduced;
  const p = processor(as('readonly', 'r'), 'readonly-proc');
  const started = await p.start().then(
    () => true,
    () => false,
  );
  const producer = new Kafka({
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    ...kafkajsSecurity(as('admin', 'a')),
  }).producer();
  await producer.connect();
  const [t] = createTransactionStream({ seed: 12 }).take(1);
  await producer.send({ topic: TOPICS.transactions, messages: [{ key: t!.userId, value: transactionToJson(t!) }] });
  await producer.disconnect();
  const produced = broker.stats().recordsProduced - before;
  for (let i = 0; i < 100 && p.stats().records < 1 && started; i++) await new Promise((r) => setTimeout(r, 20));
  await p.stop().catch(() => {});
  assert.is(broker.stats().recordsProduced - before, produced, 'the read-only principal wrote nothing');
  assert.ok(started, 'it may read and join its group');
  assert.ok(p.stats().records >= 1, 'it consumed the transaction');
  assert.is(p.stats().decisions, 0);
});

test.run();
