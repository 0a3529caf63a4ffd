/**
 * PII in the reference pipeline, end to end through the embedded broker with kafkajs: a processor
 * with a PII keyring writes decisions and dead letters whose PII fields (deviceId, country) are
 * AES-256-GCM ciphertexts that decrypt with the key named in the record's header and with no
 * other, and writes an audit record per data access; a processor after a key rotation encrypts
 * under the new key while the old records still decrypt; without the option nothing changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { AUDIT_TOPIC } from '../../../pipeline/pii/audit.ts';
import { PII_HEADERS, PiiCipher } from '../../../pipeline/pii/cipher.ts';
import { parsePiiKeys } from '../../../pipeline/pii/keys.ts';
import { maskObject } from '../../../pipeline/pii/mask.ts';
import { header, StreamProcessor, type Scorer } from '../../../pipeline/processor/index.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { createTransactionStream, type Transaction } from '../../../generators/transactions.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';

const { Kafka, logLevel } = kafkajs;

const K1 = `k1 ${'11'.repeat(32)}`;
const K2 = `k2 ${'22'.repeat(32)}`;

const scorer: Scorer = {
  async predict(instances) {
    return instances.map((x) => ({
      id: x.transaction.id,
      score: 0.1,
      fraud: false,
      source: 'model' as const,
      modelVersion: 'stub',
      threshold: 0.5,
    }));
  },
};

/** reads every record of `topics` until `n` have arrived */
async function readAll(kafka: InstanceType<typeof Kafka>, topics: string[], n: number) {
  const got: { topic: string; m: KafkaMessage }[] = [];
  const c = kafka.consumer({ groupId: `read-${Math.random()}`, maxWaitTimeInMs: 20 });
  await c.connect();
  await c.subscribe({ topics, fromBeginning: true });
  await c.run({ eachMessage: async ({ topic, message }) => void got.push({ topic, m: message }) });
  const t0 = Date.now();
  while (got.length < n && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 25));
  await c.disconnect();
  return got;
}

async function runOnce(keys: string | undefined, txs: Transaction[], extra: { value: string; id: string }[]) {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 1 });
  const p = new StreamProcessor({
    brokers: broker.bootstrap,
    store: new MemoryFeatureStore(),
    model: scorer,
    compression: 'none',
    sessionTimeoutMs: 1500,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 1500,
    lagEveryMs: 0,
    ...(keys ? { pii: { keys: parsePiiKeys(keys, 'test') }, audit: { principal: 'User:svc-fraud' } } : {}),
  });
  const producer = kafka.producer();
  try {
    await p.start();
    await producer.connect();
    await producer.send({
      topic: TOPICS.transactions,
      messages: [
        ...txs.map((t) => ({ key: t.userId, value: transactionToJson(t), headers: { 'pipelab-event-id': t.id } })),
        ...extra.map((e) => ({ key: 'u-bad', value: e.value, headers: { 'pipelab-event-id': e.id } })),
      ],
    });
    const n = txs.length + extra.length;
    const topics = [TOPICS.fraudDecisions, TOPICS.deadLetter, ...(keys ? [AUDIT_TOPIC] : [])];
    // with auditing: per record one pii.encrypt, plus one features.read-write per user
    const users = new Set(txs.map((t) => t.userId)).size;
    return await readAll(kafka, topics, keys ? n * 2 + users : n);
  } finally {
    await producer.disconnect();
    await p.stop();
    await broker.close();
  }
}

const txs = createTransactionStream({ seed: 11, users: { count: 5 } }).take(6);
const bad = [
  { id: 'bad-json', value: `{"deviceId":"${txs[0]!.deviceId}", "amount": 1` },
  { id: 'bad-schema', value: transactionToJson({ ...txs[1]!, amount: -5, id: 'bad-schema' }) },
];
const cipher = (keys: string) => new PiiCipher(parsePiiKeys(keys, 'test'), TRANSACTION_PII);

test('decisions and dead letters: PII encrypted field by field, key id in a header; audit per access', async () => {
  const got = await runOnce(K1, txs, bad);
  const decisions = got.filter((g) => g.topic === TOPICS.fraudDecisions);
  const dead = got.filter((g) => g.topic === TOPICS.deadLetter);
  const audit = got.filter((g) => g.topic === AUDIT_TOPIC).map((g) => JSON.parse(String(g.m.value)));
  assert.is(decisions.length, txs.length);
  assert.is(dead.length, 2);
  const c = cipher(K1);
  for (const { m } of decisions) {
    const text = String(m.value);
    const v = JSON.parse(text);
    const tx = txs.find((t) => t.id === v.eventId) as Transaction;
    assert.is(header(m.headers, PII_HEADERS.keyId), 'k1');
    assert.is(header(m.headers, PII_HEADERS.fields), 'deviceId,country');
    // nothing readable: neither value appears in the record
    assert.not.ok(text.includes(tx.deviceId), 'device id in clear');
    assert.not.ok(text.includes(`"${tx.country}"`), 'country in clear');
    assert.is(c.decrypt('deviceId', v.deviceId, 'k1'), tx.deviceId);
    assert.is(c.decrypt('country', v.country, 'k1'), tx.country);
    // a ciphertext moved to another field does not decrypt (the field name is authenticated)
    assert.throws(() => c.decrypt('country', v.deviceId, 'k1'));
    assert.equal(maskObject(v, TRANSACTION_PII, 'k1').deviceId, '[encrypted k1]');
  }
  const byId = new Map(dead.map((d) => [header(d.m.headers, 'pipelab-event-id'), d.m]));
  const malformed = byId.get('bad-json') as KafkaMessage;
  assert.is(header(malformed.headers, PII_HEADERS.fields), '*');
  assert.not.ok(String(malformed.value).includes(txs[0]!.deviceId));
  assert.is(c.decrypt('*', JSON.parse(String(malformed.value))['*'], 'k1'), bad[0]!.value);
  const schema = JSON.parse(String(byId.get('bad-schema')!.value));
  assert.is(c.decrypt('deviceId', schema.deviceId, 'k1'), txs[1]!.deviceId);
  assert.is(schema.amount, -5, 'non-PII fields stay readable');
  // the audit trail: who touched which user's data, when, with which key
  const enc = audit.filter((a) => a.what === 'pii.encrypt');
  assert.is(enc.length, txs.length + bad.length);
  for (const a of audit) {
    assert.is(a.principal, 'User:svc-fraud');
    assert.ok(!Number.isNaN(Date.parse(a.at)), a.at);
  }
  assert.ok(enc.every((a) => a.keyId === 'k1' && a.key && a.topic));
  assert.equal(
    new Set(audit.filter((a) => a.what === 'features.read-write').map((a) => a.key)),
    new Set(txs.map((t) => t.userId)),
  );
});

test('after a rotation new records use the new key and old ones still decrypt; a wrong key fails', async () => {
  const before = await runOnce(K1, txs.slice(0, 2), []);
  const after = await runOnce(`${K1}\n${K2}`, txs.slice(0, 2), []);
  const dec = (g: typeof before) => g.filter((x) => x.topic === TOPICS.fraudDecisions).map((x) => x.m);
  const ring = cipher(`${K1}\n${K2}`);
  for (const m of dec(after)) {
    assert.is(header(m.headers, PII_HEADERS.keyId), 'k2');
    const v = JSON.parse(String(m.value));
    assert.is(ring.decrypt('deviceId', v.deviceId, 'k2'), txs.find((t) => t.id === v.eventId)!.deviceId);
    assert.throws(() => ring.decrypt('deviceId', v.deviceId, 'k1'));
  }
  for (const m of dec(before)) {
    const v = JSON.parse(String(m.value));
    assert.is(ring.decrypt('country', v.country, 'k1'), txs.find((t) => t.id === v.eventId)!.country);
  }
});

test('without a keyring the records are as before: no PII fields added, no PII headers', async () => {
  const got = await runOnce(undefined, txs.slice(0, 2), bad.slice(0, 1));
  for (const { topic, m } of got) {
    assert.is(header(m.headers, PII_HEADERS.keyId), undefined);
    if (topic === TOPICS.fraudDecisions) assert.not.ok('deviceId' in JSON.parse(String(m.value)));
    else assert.is(String(m.value), bad[0]!.value);
  }
});

test('key files: hex and base64 keys, ids, the last key active; a bad line is named', () => {
  const ring = parsePiiKeys(`# keys\nold ${'ab'.repeat(32)}\n${Buffer.alloc(32, 7).toString('base64')}\n`, 'f');
  assert.match(ring.active.id, /^k[0-9a-f]{8}$/);
  assert.equal([...ring.byId.keys()].sort(), ['old', ring.active.id].sort());
  assert.throws(() => parsePiiKeys('k1 tooshort', 'keys.txt'), /keys.txt line 1: not a PII key/);
  assert.throws(() => parsePiiKeys('\n# nothing\n', 'keys.txt'), /holds no PII key/);
});

test.run();
