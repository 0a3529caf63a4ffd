/**
 * The right to be forgotten end to end: an embedded broker with a compacted topic (user profiles,
 * keyed by user) and the pipeline's topics (not compacted), a real redis-server feature store and
 * the in-memory one. forgetUser writes tombstones on the compacted topic only, deletes the
 * features, writes an audit record, and its check says honestly what remains: after compaction
 * nothing of the user on the compacted topic, their records on the topics that are not compacted
 * still readable (named), and a mention of the user in another user's record. The CLI prints the
 * same and exits 99 until nothing readable remains.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { startLocalRedis } from '../../../harness/services/local-redis.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { RedisFeatureStore } from '../../../pipeline/features/redis.ts';
import type { FeatureStore } from '../../../pipeline/features/store.ts';
import { AUDIT_TOPIC } from '../../../pipeline/pii/audit.ts';
import { forgetUser } from '../../../pipeline/pii/forget.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { haveTool } from '../../helpers/tools.ts';

const { Kafka, logLevel } = kafkajs;
const root = new URL('../../..', import.meta.url).pathname;
const features = { user_transaction_count_1h: 3, user_avg_transaction_amount_24h: 20, user_device_risk_score: 0.1 };

async function world() {
  const broker = await startBroker({ retentionCheckMs: 0 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 2 });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic: 'user-profiles',
        numPartitions: 2,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'delete.retention.ms', value: '86400000' },
        ],
      },
    ],
  });
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  const profile = (u: string, v: number) => ({ key: u, value: JSON.stringify({ userId: u, email: `${u}@x.test`, v }) });
  await p.send({ topic: 'user-profiles', messages: [profile('u1', 1), profile('u2', 1), profile('u1', 2)] });
  await p.send({
    topic: TOPICS.transactions,
    messages: [
      { key: 'u1', value: JSON.stringify({ id: 't1', userId: 'u1', deviceId: 'd1-0' }) },
      { key: 'u2', value: JSON.stringify({ id: 't2', userId: 'u2', deviceId: 'd2-0' }) },
    ],
  });
  // another user's record that names u1 (a referral): no tombstone can remove it
  await p.send({
    topic: TOPICS.processedEvents,
    messages: [{ key: 'u2', value: '{"userId":"u2","referredBy":"u1"}' }],
  });
  await p.disconnect();
  return { broker, kafka };
}

async function storeCase(store: FeatureStore) {
  const { broker, kafka } = await world();
  try {
    await store.putMany([
      { userId: 'u1', features },
      { userId: 'u2', features },
    ]);
    const rep = await forgetUser({
      kafka,
      userId: 'u1',
      store,
      principal: 'dpo@example',
      compact: () => broker.compact(),
    });
    const t = new Map(rep.topics.map((x) => [x.topic, x]));
    const profiles = t.get('user-profiles')!;
    assert.is(profiles.compacted, true);
    assert.is(profiles.before, 2);
    assert.is(profiles.tombstones, 1, 'one partition holds u1');
    assert.is(profiles.remaining, 0, 'compaction removed both profile records');
    assert.is(profiles.tombstonesLeft, 1, 'the tombstone stays until delete.retention.ms');
    const txs = t.get(TOPICS.transactions)!;
    assert.is(txs.compacted, false);
    assert.is(txs.tombstones, 0, 'no tombstone where it erases nothing');
    assert.is(txs.remaining, 1);
    assert.is(txs.retentionMs, 86_400_000);
    assert.is(t.get(TOPICS.processedEvents)!.mentions, 1);
    assert.ok(t.get(AUDIT_TOPIC)!.remaining >= 1, 'the forget is audited');
    assert.equal(rep.featureStore, { kind: store.kind, deleted: 1, remaining: false });
    assert.is(await store.get('u1'), undefined);
    assert.ok(await store.get('u2'), 'other users are kept');
    assert.is(rep.forgotten, false, 'the transactions topic still holds u1');
    // the audit record says who forgot whom (a short fetch wait: disconnect() waits for the fetch
    // in flight, which with kafkajs's default 5 s wait was 5 s of every run after the record came)
    const c = kafka.consumer({ groupId: 'audit-read', maxWaitTimeInMs: 50 });
    await c.connect();
    await c.subscribe({ topic: AUDIT_TOPIC, fromBeginning: true });
    const seen: Record<string, string>[] = [];
    await c.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(String(message.value))) });
    const t0 = Date.now();
    while (!seen.length && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    await c.disconnect();
    assert.is(seen[0]?.what, 'forget');
    assert.is(seen[0]?.key, 'u1');
    assert.is(seen[0]?.principal, 'dpo@example');
  } finally {
    await store.close();
    await broker.close();
  }
}

test('forget with the in-memory feature store: tombstones, compaction, an honest check', async () => {
  await storeCase(new MemoryFeatureStore());
});

test('forget with a real redis-server feature store', async () => {
  if (!haveTool('redis-server')) return;
  const r = await startLocalRedis();
  try {
    await storeCase(await RedisFeatureStore.connect({ url: r.url }));
  } finally {
    await r.close();
  }
});

test('a user only on compacted topics is forgotten; the CLI says so per topic and exits 0, else 99', async () => {
  const { broker, kafka } = await world();
  try {
    // async: the broker serves the CLI from this process's event loop
    const cli = (u: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const args = [join(root, 'bin', 'pipelab.js'), 'forget', u, '--kafka', broker.bootstrap[0]!, '--wait', '5s'];
        const ch = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        let stderr = '';
        ch.stdout.on('data', (d) => (stdout += d));
        ch.stderr.on('data', (d) => (stderr += d));
        ch.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    // u3 has only a profile; the periodic compaction of the embedded broker is off, so the CLI's
    // check waits for a pass this test runs (for u1 too: its check then stops waiting once
    // user-profiles is clean, rather than at --wait's 5 s, and exits 99 for the transactions)
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic: 'user-profiles', messages: [{ key: 'u3', value: '{"userId":"u3"}' }] });
    await p.disconnect();
    const timer = setInterval(() => broker.compact(), 200);
    const [r3, r1] = await (async () => {
      try {
        return [await cli('u3'), await cli('u1')];
      } finally {
        clearInterval(timer);
      }
    })();
    assert.is(r3.status, 0, r3.stderr + r3.stdout);
    assert.match(
      r3.stdout,
      /user-profiles\s+compacted\s+1 record\(s\) keyed by the user, 1 tombstone\(s\) written → nothing readable left/,
    );
    assert.match(r3.stdout, 'forgotten: nothing readable about u3 remains (1 tombstone(s) hold the key');
    assert.match(r3.stdout, 'feature store      not checked');
    assert.is(r1.status, 99, r1.stderr + r1.stdout);
    assert.match(
      r1.stdout,
      /transactions\s+not compacted\s+1 record\(s\) keyed by the user → 1 still readable: not compacted/,
    );
    assert.match(r1.stdout, 'NOT forgotten');
  } finally {
    await broker.close();
  }
});

test('the CLI speaks SASL to a secured cluster (--kafka-sasl, --kafka-password-file); bad password 106', async () => {
  const broker = await startBroker({ sasl: { mechanisms: ['scram-sha-512'], users: { dpo: 'dpo-secret-7' } } });
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-forget-'));
  try {
    const run = (pw: string) =>
      new Promise<{ status: number | null; out: string }>((resolve) => {
        writeFileSync(join(dir, 'pw'), pw);
        const args = [join(root, 'bin', 'pipelab.js'), 'forget', 'u9', '--kafka', broker.bootstrap[0]!];
        args.push('--kafka-sasl', 'scram-sha-512:dpo', '--kafka-password-file', join(dir, 'pw'));
        const ch = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        ch.stdout.on('data', (d) => (out += d));
        ch.stderr.on('data', (d) => (out += d));
        ch.on('close', (status) => resolve({ status, out }));
      });
    const good = await run('dpo-secret-7');
    assert.is(good.status, 0, good.out);
    assert.match(good.out, 'forgotten: nothing readable about u9 remains');
    const bad = await run('wrong-password');
    assert.is(bad.status, 106, bad.out);
    assert.not.match(bad.out, 'wrong-password');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker.close();
  }
});

test.run();
