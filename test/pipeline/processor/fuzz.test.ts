/**
 * Fuzz: 100k malformed `transactions` records of every kind — bad JSON, wrong types, missing
 * fields, huge values and fields, deep nesting, invalid UTF-8, empty — each must end in
 * dead-letter with the reason its kind calls for, none decided, and the processor must not crash
 * (a crash would redeliver: any result seen twice fails the test). First the validator alone on
 * all of them, then the whole stream through a real processor on the embedded broker.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { Rng } from '../../../generators/rng.ts';
import { transactionToJson } from '../../../generators/serialize.ts';
import { createTransactionStream, type Transaction } from '../../../generators/transactions.ts';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { PIPELINE_HEADERS as H, StreamProcessor, header, type Scorer } from '../../../pipeline/processor/index.ts';
import { validateTransaction } from '../../../pipeline/processor/validate.ts';
import { TOPICS, ensureTopics } from '../../../pipeline/topics.ts';

const { Kafka, logLevel } = kafkajs;
const N = Number(process.env.FUZZ_N ?? 100_000);

interface Bad {
  id: string;
  value: Buffer | null;
  kind: string;
  reason: string;
}

/** one malformed record of kind k (seeded), built from a valid transaction `t` */
function malformed(k: number, t: Transaction, rng: Rng): Omit<Bad, 'id'> {
  const json = transactionToJson(t);
  const buf = (s: string) => Buffer.from(s, 'utf8');
  const nest = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
  switch (k) {
    case 0:
      return { kind: 'truncated', value: buf(json.slice(0, 1 + rng.int(json.length - 1))), reason: 'malformed-json' };
    case 1:
      return {
        // printable noise after `{"`, ended by a control character (never valid JSON, even in a string)
        kind: 'garbage',
        value: Buffer.from([0x7b, 0x22, ...Array.from({ length: rng.int(64) }, () => 0x20 + rng.int(0x5f)), 0x01]),
        reason: 'malformed-json',
      };
    case 2:
      return { kind: 'trailing', value: buf(`${json},}`), reason: 'malformed-json' };
    case 3:
      return {
        kind: 'amount-string',
        value: buf(json.replace(/"amount":[^,]+/, '"amount":"12.50"')),
        reason: 'schema',
      };
    case 4:
      return { kind: 'userId-number', value: buf(json.replace(/"userId":"[^"]*"/, '"userId":42')), reason: 'schema' };
    case 5:
      return { kind: 'missing-field', value: buf(json.replace(/"eventTime":[^,]+,/, '')), reason: 'schema' };
    case 6:
      return {
        kind: 'not-an-object',
        value: buf(['null', '42', '"tx"', 'true', '[]', '[1,2]'][rng.int(6)]!),
        reason: 'schema',
      };
    case 7:
      return {
        kind: 'negative-amount',
        value: buf(transactionToJson({ ...t, amount: -1 - rng.int(100) })),
        reason: 'schema',
      };
    case 8:
      return {
        kind: 'infinite-time',
        value: buf(json.replace(/"eventTime":\d+/, '"eventTime":1e999')),
        reason: 'schema',
      };
    case 9:
      return {
        kind: 'huge-field',
        value: buf(transactionToJson({ ...t, userId: 'u'.repeat(300 + rng.int(4000)) })),
        reason: 'schema',
      };
    case 10:
      return { kind: 'huge-value', value: Buffer.alloc(64 * 1024 + 1 + rng.int(1000), 0x20), reason: 'too-large' };
    case 11:
      return {
        kind: 'deep-nesting',
        value: buf(`${json.slice(0, -1)},"x":${nest(1000 + rng.int(20_000))}}`),
        reason: 'schema',
      };
    case 12:
      return { kind: 'deep-top-level', value: buf(nest(1000 + rng.int(20_000))), reason: 'schema' };
    case 13: {
      const b = buf(json);
      const at = b.indexOf('"userId":"') + 10;
      b[at] = [0xc3, 0xff, 0x80, 0xed][rng.int(4)]!;
      return { kind: 'invalid-utf8', value: b, reason: 'invalid-utf8' };
    }
    case 14:
      return { kind: 'empty', value: rng.bernoulli(0.5) ? null : Buffer.alloc(0), reason: 'empty' };
    default:
      return {
        kind: 'bad-enum',
        value: buf(json.replace(/"channel":"[^"]*"/, '"channel":"pigeon"')),
        reason: 'schema',
      };
  }
}

const KINDS = 16;
function corpus(n: number): Bad[] {
  const rng = new Rng(13);
  const txs = createTransactionStream({ seed: 13, users: { count: 500, zipf: 1 } });
  const out: Bad[] = [];
  for (let i = 0; i < n; i++) {
    // the big kinds (huge value, deep nesting) are rarer so the corpus stays a few tens of MB
    let k = rng.int(KINDS);
    if ((k === 10 || k === 11 || k === 12) && rng.bernoulli(0.9)) k = 0;
    out.push({ id: `fuzz-${i}`, ...malformed(k, txs.next(), rng) });
  }
  return out;
}

const events = corpus(N);

test('the validator refuses all 100k with the reason of their kind, without throwing', () => {
  const kinds = new Map<string, number>();
  for (const e of events) {
    const v = validateTransaction(e.value);
    assert.is(v.ok, false, `${e.kind} accepted: ${e.value?.subarray(0, 120).toString()}`);
    if (!v.ok) assert.is(v.reason, e.reason, `${e.kind}: ${v.reason} (${v.detail.slice(0, 200)})`);
    kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  }
  assert.is(kinds.size, KINDS, [...kinds.keys()].join(', '));
});

test('through a real processor: every one dead-lettered once with its reason, none decided, no crash', async () => {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, { partitions: 4 });
  const scorer: Scorer = {
    predict: async () => {
      throw new Error('nothing malformed may reach the model');
    },
  } as unknown as Scorer;
  const p = new StreamProcessor({
    brokers: broker.bootstrap,
    store: new MemoryFeatureStore(),
    model: scorer,
    compression: 'none',
    // a session long enough that a busy machine cannot expire it: any redelivery then means a crash
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 30_000,
    heartbeatIntervalMs: 1000,
    id: 'fuzzed',
  });
  const seen = new Map<string, string>();
  let twice = 0;
  let decided = 0;
  const watch = kafka.consumer({ groupId: 'fuzz-watch', maxWaitTimeInMs: 20 });
  const producer = kafka.producer();
  try {
    await p.start();
    await watch.connect();
    await watch.subscribe({ topics: [TOPICS.fraudDecisions, TOPICS.deadLetter], fromBeginning: true });
    await watch.run({
      eachMessage: async ({ topic, message }) => {
        if (topic === TOPICS.fraudDecisions) decided++;
        const id = header(message.headers, H.eventId) as string;
        if (seen.has(id)) twice++;
        seen.set(id, header(message.headers, H.reason) ?? '?');
      },
    });
    await producer.connect();
    for (let i = 0; i < N; i += 2000)
      await producer.send({
        topic: TOPICS.transactions,
        messages: events.slice(i, i + 2000).map((e) => ({ key: e.id, value: e.value, headers: { [H.eventId]: e.id } })),
      });
    for (let t0 = Date.now(); seen.size < N && Date.now() - t0 < 120_000; )
      await new Promise((r) => setTimeout(r, 100));
    assert.is(seen.size, N, `dead-lettered ${seen.size} of ${N}; processor ${JSON.stringify(p.stats())}`);
    assert.is(decided, 0);
    assert.is(twice, 0, 'a result seen twice: the processor crashed and redelivered');
    const wrong = events.filter((e) => seen.get(e.id) !== e.reason).slice(0, 5);
    assert.equal(
      wrong.map((e) => `${e.kind}: ${seen.get(e.id)}`),
      [],
    );
    const s = p.stats();
    assert.is(s.records, N);
    assert.is(s.deadLetters, N);
  } finally {
    await watch.disconnect();
    await producer.disconnect();
    await p.stop();
    await broker.close();
  }
});

test.run();
