/**
 * PII in the reference pipeline, end to end through the embedded broker with kafkajs: a processor
 * with a PII keyring writes decisions and dead letters whose PII fields (deviceId, country) are
 * AES-256-GCM ciphertexts under the user's own data key (named in the record's header, published
 * wrapped on the key topic) that decrypt with it and with no other, and writes an audit record per
 * data access; after a master key rotation new users' keys are wrapped by the new master key while
 * the older ones still open; without the option nothing changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { AUDIT_TOPIC } from '../../../pipeline/pii/audit.ts';
import { openField, PII_HEADERS } from '../../../pipeline/pii/cipher.ts';
import { KEYS_TOPIC, UserKeyVault } from '../../../pipeline/pii/vault.ts';
import { parsePiiKeys } from '../../../pipeline/pii/keys.ts';
import { maskObject } from '../../../pipeline/pii/mask.ts';
import { header, StreamProcessor } from '../../../pipeline/processor/index.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { createTransactionStream, type Transaction } from '../../../generators/transactions.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';
import { readAll, stubScorer } from '../../helpers/processor.ts';

const { Kafka, logLevel } = kafkajs;

const K1 = `k1 ${'11'.repeat(32)}`;
const K2 = `k2 ${'22'.repeat(32)}`;

const scorer = stubScorer();

type Broker = Awaited<ReturnType<typeof startBroker>>;

/** the users' data keys as a reader holding `keys` sees them on the key topic */
async function readerVault(kafka: InstanceType<typeof Kafka>, keys: string): Promise<UserKeyVault> {
  const v = new UserKeyVault(parsePiiKeys(keys, 'test'), TRANSACTION_PII);
  await v.start(kafka);
  await v.stop(); // the keys read stay in memory
  return v;
}

async function runOnce(
  keys: string | undefined,
  txs: Transaction[],
  extra: { value: string; id: string }[],
  shared?: Broker,
) {
  const broker = shared ?? (await startBroker({ minSessionTimeoutMs: 100 }));
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
    const got = await readAll(kafka, topics, (g) => g.length >= (keys ? n * 2 + users : n));
    return { got, vault: keys ? await readerVault(kafka, keys) : undefined };
  } finally {
    await producer.disconnect();
    await p.stop();
    if (!shared) await broker.close();
  }
}

/** a field of a record of `user` decrypted with the data key its header names */
function open(v: UserKeyVault, user: string, m: KafkaMessage, field: string, text: string): unknown {
  const key = v.keyById(user, header(m.headers, PII_HEADERS.keyId) as string);
  if (!key) throw new Error(`no key for ${user}`);
  return openField(key, field, text);
}

const txs = createTransactionStream({ seed: 11, users: { count: 5 } }).take(6);
const bad = [
  { id: 'bad-json', value: `{"deviceId":"${txs[0]!.deviceId}", "amount": 1` },
  { id: 'bad-schema', value: transactionToJson({ ...txs[1]!, amount: -5, id: 'bad-schema' }) },
];

test('decisions and dead letters: PII encrypted field by field under the user key; audit per access', async () => {
  const { got, vault } = await runOnce(K1, txs, bad);
  const v = vault as UserKeyVault;
  const decisions = got.filter((g) => g.topic === TOPICS.fraudDecisions);
  const dead = got.filter((g) => g.topic === TOPICS.deadLetter);
  const audit = got.filter((g) => g.topic === AUDIT_TOPIC).map((g) => JSON.parse(String(g.m.value)));
  assert.is(decisions.length, txs.length);
  assert.is(dead.length, 2);
  const userKeys = new Map<string, string>();
  for (const { m } of decisions) {
    const text = String(m.value);
    const d = JSON.parse(text);
    const tx = txs.find((t) => t.id === d.eventId) as Transaction;
    const keyId = header(m.headers, PII_HEADERS.keyId) as string;
    assert.match(keyId, /^dek-[0-9a-f]{12}$/, 'a per-user data key');
    assert.is(userKeys.get(tx.userId) ?? keyId, keyId, 'one data key per user');
    userKeys.set(tx.userId, keyId);
    assert.is(header(m.headers, PII_HEADERS.fields), 'deviceId,country');
    // nothing readable: neither value appears in the record
    assert.not.ok(text.includes(tx.deviceId), 'device id in clear');
    assert.not.ok(text.includes(`"${tx.country}"`), 'country in clear');
    assert.is(open(v, tx.userId, m, 'deviceId', d.deviceId), tx.deviceId);
    assert.is(open(v, tx.userId, m, 'country', d.country), tx.country);
    // a ciphertext moved to another field does not decrypt (the field name is authenticated)
    assert.throws(() => open(v, tx.userId, m, 'country', d.deviceId));
    // nor does another user's key open it
    const other = txs.find((t) => t.userId !== tx.userId) as Transaction;
    assert.throws(() => openField(v.keyFor(other.userId).key, 'deviceId', d.deviceId));
    assert.equal(maskObject(d, TRANSACTION_PII, keyId).deviceId, `[encrypted ${keyId}]`);
  }
  assert.ok(new Set(userKeys.values()).size > 1, 'users have different keys');
  const byId = new Map(dead.map((d) => [header(d.m.headers, 'pipelab-event-id'), d.m]));
  const malformed = byId.get('bad-json') as KafkaMessage;
  assert.is(header(malformed.headers, PII_HEADERS.fields), '*');
  assert.not.ok(String(malformed.value).includes(txs[0]!.deviceId));
  assert.is(open(v, 'u-bad', malformed, '*', JSON.parse(String(malformed.value))['*']), bad[0]!.value);
  const schemaMsg = byId.get('bad-schema') as KafkaMessage;
  const schema = JSON.parse(String(schemaMsg.value));
  assert.is(open(v, 'u-bad', schemaMsg, 'deviceId', schema.deviceId), txs[1]!.deviceId);
  assert.is(schema.amount, -5, 'non-PII fields stay readable');
  // the audit trail: who touched which user's data, when, with which key
  const enc = audit.filter((a) => a.what === 'pii.encrypt');
  assert.is(enc.length, txs.length + bad.length);
  for (const a of audit) {
    assert.is(a.principal, 'User:svc-fraud');
    assert.ok(!Number.isNaN(Date.parse(a.at)), a.at);
  }
  assert.ok(enc.every((a) => /^dek-/.test(a.keyId) && a.key && a.topic));
  assert.equal(
    new Set(audit.filter((a) => a.what === 'features.read-write').map((a) => a.key)),
    new Set(txs.map((t) => t.userId)),
  );
});

test('after a master key rotation new users get keys under it, old ones keep theirs; bad master fails', async () => {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  try {
    const a = txs.filter((t) => t.userId === txs[0]!.userId);
    const b = txs.filter((t) => t.userId !== txs[0]!.userId);
    await runOnce(K1, a, [], broker);
    const { got, vault } = await runOnce(
      `${K1}\n${K2}`,
      [...a.map((t) => ({ ...t, id: `${t.id}-2` })), ...b],
      [],
      broker,
    );
    const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
    const wraps = (await readAll(kafka, [KEYS_TOPIC], (g) => g.length >= new Set(txs.map((t) => t.userId)).size)).map(
      (g) => JSON.parse(String(g.m.value)),
    );
    assert.equal(
      wraps.find((w) => w.user === txs[0]!.userId)?.kek,
      'k1',
      'an existing user keeps the key wrapped by k1',
    );
    assert.ok(
      wraps.filter((w) => w.user !== txs[0]!.userId).every((w) => w.kek === 'k2'),
      'new users: k2',
    );
    const onlyK2 = await readerVault(kafka, K2);
    for (const { topic, m } of got) {
      if (topic !== TOPICS.fraudDecisions) continue;
      const d = JSON.parse(String(m.value));
      const tx = txs.find((t) => d.eventId.startsWith(t.id)) as Transaction;
      assert.is(open(vault as UserKeyVault, tx.userId, m, 'deviceId', d.deviceId), tx.deviceId);
      // without k1, the first user's data key cannot be unwrapped
      if (tx.userId === txs[0]!.userId) assert.throws(() => open(onlyK2, tx.userId, m, 'deviceId', d.deviceId));
    }
  } finally {
    await broker.close();
  }
});

test('without a keyring the records are as before: no PII fields added, no PII headers', async () => {
  const { got } = await runOnce(undefined, txs.slice(0, 2), bad.slice(0, 1));
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
