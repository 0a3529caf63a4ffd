/**
 * Crypto-shredding end to end: transactions with card number, e-mail, IP address, device and
 * country are sealed at the source under each user's data key and produced lz4-compressed (batches
 * the embedded broker never compacts); a stream processor decrypts them, scores them and writes
 * decisions, dead letters (a schema error, a truncated record) and audit records, its PII sealed
 * under the same keys. `forgetUser` destroys one user's key (a tombstone on the compacted key
 * topic, compacted away), deletes their features, and its check finds nothing readable about them:
 * no plaintext value of theirs in any byte of any topic, every PII field of theirs under a key
 * nobody holds any more, while another user's data still decrypts. A record sealed under the
 * destroyed key that arrives late is dead-lettered, unreadable. A user whose transactions were
 * produced in clear is reported NOT forgotten (the check can fail), and the CLI agrees (exit 0/99).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import kafkajs, { CompressionTypes, type KafkaMessage } from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { createTransactionStream, type Transaction } from '../../../generators/transactions.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { AUDIT_TOPIC } from '../../../pipeline/pii/audit.ts';
import { openField, PII_HEADERS, sealObject } from '../../../pipeline/pii/cipher.ts';
import { forgetUser } from '../../../pipeline/pii/forget.ts';
import { parsePiiKeys } from '../../../pipeline/pii/keys.ts';
import { KEYS_TOPIC, UserKeyVault } from '../../../pipeline/pii/vault.ts';
import { H } from '../../../pipeline/processor/headers.ts';
import { header, StreamProcessor } from '../../../pipeline/processor/index.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { readAll, stubScorer } from '../../helpers/processor.ts';

const { Kafka, logLevel } = kafkajs;
const root = new URL('../../..', import.meta.url).pathname;
const KEYS = parsePiiKeys(`k1 ${'5a'.repeat(32)}`, 'test');

const scorer = stubScorer();

const cli = (bootstrap: string, user: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const args = [join(root, 'bin', 'pipelab.js'), 'forget', user, '--kafka', bootstrap, '--wait', '5s'];
    const ch = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    ch.stdout.on('data', (d) => (stdout += d));
    ch.stderr.on('data', (d) => (stderr += d));
    ch.on('close', (status) => resolve({ status, stdout, stderr }));
  });

test('forget shreds a user everywhere: topics, dead letters, feature store; others stay readable', async () => {
  registerKafkajsCodecs();
  const broker = await startBroker({ retentionCheckMs: 0, minSessionTimeoutMs: 100 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 2 });
  const store = new MemoryFeatureStore();
  const p = new StreamProcessor({
    brokers: broker.bootstrap,
    store,
    model: scorer,
    sessionTimeoutMs: 1500,
    heartbeatIntervalMs: 100,
    rebalanceTimeoutMs: 1500,
    lagEveryMs: 0,
    pii: { keys: KEYS },
    audit: true,
  });
  const source = new UserKeyVault(KEYS, TRANSACTION_PII);
  const producer = kafka.producer();
  try {
    await p.start();
    await source.start(kafka);
    await producer.connect();
    const all = createTransactionStream({ seed: 3, users: { count: 4, zipf: 0 }, pii: true }).take(40);
    const users = [...new Set(all.map((t) => t.userId))];
    const [A, B, C] = users as [string, string, string];
    const aTx = all.filter((t) => t.userId === A);
    assert.ok(aTx.length >= 3 && users.length >= 3, 'the sample has the users it needs');
    const sealed = (t: Transaction, json = (x: Transaction) => transactionToJson(x)) => {
      const s = sealObject(source, t.userId, t as unknown as Record<string, unknown>);
      const headers = {
        'pipelab-event-id': t.id,
        [PII_HEADERS.keyId]: s.keyId,
        [PII_HEADERS.fields]: s.encrypted.join(','),
      };
      return { key: t.userId, value: json(s.value as unknown as Transaction), headers };
    };
    const messages = all.map((t) =>
      // C's transactions are produced in clear (an upstream that does not encrypt)
      t.userId === C ? { key: C, value: transactionToJson(t), headers: { 'pipelab-event-id': t.id } } : sealed(t),
    );
    // two of A's become dead letters: a schema error and a truncated record
    messages.push(sealed({ ...aTx[0]!, id: 'a-neg', amount: -1 }));
    messages.push(sealed({ ...aTx[1]!, id: 'a-cut' }, (x) => transactionToJson(x).slice(0, 90)));
    await source.flush();
    await producer.send({ topic: TOPICS.transactions, compression: CompressionTypes.LZ4, messages });
    const out = await readAll(kafka, [TOPICS.fraudDecisions, TOPICS.deadLetter], (g) => g.length >= all.length + 2);
    assert.is(out.length, all.length + 2, 'every record decided or dead-lettered');
    // before: A's decisions decrypt with A's key (what forget must destroy)
    const aDecision = out.find((g) => g.topic === TOPICS.fraudDecisions && String(g.m.key) === A)!.m;
    const aDek = header(aDecision.headers, PII_HEADERS.keyId) as string;
    const d0 = JSON.parse(String(aDecision.value));
    assert.is(openField(source.keyById(A, aDek)!, 'email', d0.email), aTx[0]!.email);

    const rep = await forgetUser({ kafka, userId: A, store, compact: () => broker.compact(), waitMs: 10_000 });
    const t = new Map(rep.topics.map((x) => [x.topic, x]));
    assert.is(rep.forgotten, true, JSON.stringify(rep.topics));
    assert.is(t.get(KEYS_TOPIC)!.remaining, 0, "A's wrapped key is compacted away");
    assert.is(t.get(TOPICS.transactions)!.remaining, 0);
    assert.is(t.get(TOPICS.transactions)!.shredded, aTx.length + 2);
    assert.is(t.get(TOPICS.fraudDecisions)!.shredded, aTx.length);
    assert.is(t.get(TOPICS.deadLetter)!.shredded, 2);
    assert.ok(t.get(AUDIT_TOPIC)!.remaining > 0, 'the audit trail is kept');
    assert.is(rep.featureStore?.deleted, 1);

    // every byte of every topic: none of A's plaintext values is left anywhere
    const topics = [...Object.values(TOPICS), AUDIT_TOPIC, KEYS_TOPIC];
    const n = all.length + 2;
    const everything = await readAll(kafka, topics, (g) => g.filter((x) => x.topic !== AUDIT_TOPIC).length >= 2 * n);
    const a = aTx[0]!;
    const secrets = [a.email, a.cardNumber, a.ipAddress, `"${a.deviceId}"`] as string[];
    for (const { topic, m } of everything) {
      const text = `${m.value?.toString('latin1') ?? ''} ${JSON.stringify(m.headers)}`;
      for (const s of secrets) assert.not.ok(text.includes(s), `${topic} holds ${s}`);
    }
    assert.not.ok(
      everything.some((g) => g.topic === KEYS_TOPIC && String(g.m.key) === A && g.m.value),
      'no wrapped key of A',
    );
    // a reader with the master key: A's key is gone, B's still opens B's decisions
    const reader = new UserKeyVault(KEYS, TRANSACTION_PII);
    await reader.start(kafka);
    await reader.stop();
    assert.is(reader.keyById(A, aDek), undefined);
    const bDecision = everything.find((g) => g.topic === TOPICS.fraudDecisions && String(g.m.key) === B)!.m;
    const b = all.find((x) => x.id === JSON.parse(String(bDecision.value)).eventId)!;
    const bKey = reader.keyById(B, header(bDecision.headers, PII_HEADERS.keyId) as string)!;
    assert.is(openField(bKey, 'cardNumber', JSON.parse(String(bDecision.value)).cardNumber), b.cardNumber);

    // a record sealed under A's destroyed key arriving late is dead-lettered, not processed
    const aMsg = messages.find(
      (m) => m.key === A && (m.headers as Record<string, string>)[PII_HEADERS.keyId] === aDek,
    )!;
    const late = { ...aMsg, headers: { ...aMsg.headers, 'pipelab-event-id': 'a-late' } };
    await producer.send({ topic: TOPICS.transactions, messages: [late] });
    const unknownKey = (g: { m: KafkaMessage }[]) => g.some((x) => header(x.m.headers, H.reason) === 'pii-key-unknown');
    assert.ok(unknownKey(await readAll(kafka, [TOPICS.deadLetter], unknownKey)), 'dead-lettered: pii-key-unknown');

    // the check can fail: C's transactions are in clear, so C is NOT forgotten
    const rc = await forgetUser({ kafka, userId: C, compact: () => broker.compact() });
    const tc = new Map(rc.topics.map((x) => [x.topic, x]));
    assert.is(rc.forgotten, false);
    assert.ok(tc.get(TOPICS.transactions)!.remaining > 0, 'plaintext transactions of C');
    assert.ok(tc.get(TOPICS.fraudDecisions)!.shredded > 0, "C's decisions were sealed by the processor");
    // the CLI: A forgotten (0), C not (99)
    const ra = await cli(broker.bootstrap[0]!, A);
    assert.is(ra.status, 0, ra.stdout + ra.stderr);
    assert.match(ra.stdout, /pipelab-pii-keys .*the user's data key destroyed/);
    assert.match(ra.stdout, /transactions .*→ nothing readable left; \d+ shredded \(PII under the destroyed key\)/);
    const rcli = await cli(broker.bootstrap[0]!, C);
    assert.is(rcli.status, 99, rcli.stdout + rcli.stderr);
  } finally {
    await producer.disconnect();
    await source.stop();
    await p.stop();
    await broker.close();
  }
});

test.run();
