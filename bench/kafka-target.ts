/**
 * The kafka target's produce path and its result matching, measured beside bare clients in the
 * same run, against one `pipelab broker` in its own process:
 *  - bare kafkajs producer: batches of 500 pre-serialised transactions (acks=all, 4 in flight);
 *  - bare @platformatic/kafka producer: the same batches (it declares Node >= 22; on Node 20 it
 *    needs only a Promise.withResolvers shim);
 *  - the kafka target (`pipelab run`-equivalent runScenario, closed model, 2,000 VUs): generating,
 *    serialising, batching, acking and accounting each event;
 *  - the pipeline target's producing side (processors: 0; uncompressed and lz4 batches, default client);
 *  - matching a result: the results handler on 200k results (JSON parse, field path, ledger, e2e
 *    latency), µs per result.
 *
 *   npx tsx bench/kafka-target.ts            5 s per producer
 *   npx tsx bench/kafka-target.ts --quick    2 s per producer
 * Targets (issues "Bring your own pipeline", "Load driver"): target ≥ 80 % of bare kafkajs; matching ≤ 2 µs.
 */
import { spawn } from 'node:child_process';
import kafkajs, { type KafkaMessage } from 'kafkajs';
import { createRegistry } from '../harness/metrics/index.ts';
import { runScenario } from '../harness/runner/index.ts';
import { shimWithResolvers } from '../harness/targets/producers.ts';
import { KafkaLedger } from '../harness/targets/kafka/ledger.ts';
import { resultsHandler } from '../harness/targets/kafka/results.ts';
import { transactionToJson } from '../generators/serialize.ts';
import { createTransactionStream } from '../generators/transactions.ts';
import type { CounterData } from '../results/types.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const SECONDS = quick ? 2 : 5;
const BATCH = 500;
const IN_FLIGHT = 4;
const root = new URL('..', import.meta.url).pathname;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const broker = spawn(process.execPath, [`${root}bin/pipelab.js`, 'broker', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const bootstrap = await new Promise<string>((resolve) => {
  let out = '';
  broker.stdout.on('data', (d: Buffer) => {
    out += d;
    const m = /(127\.0\.0\.1:\d+)/.exec(out);
    if (m) resolve(m[1]!);
  });
});

const gen = createTransactionStream({ seed: 1 });
const values = Array.from({ length: BATCH * 8 }, () => transactionToJson(gen.next()));

/** sends batches of pre-serialised records for SECONDS with IN_FLIGHT batches outstanding */
async function loop(send: (batch: number) => Promise<unknown>): Promise<number> {
  let sent = 0;
  const end = performance.now() + SECONDS * 1000;
  let b = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await send(b++);
        sent += BATCH;
      }
    }),
  );
  return sent / SECONDS;
}

async function bareKafkajs(topic: string): Promise<number> {
  const k = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const p = k.producer();
  await p.connect();
  const rate = await loop((b) =>
    p.send({
      topic,
      acks: -1,
      messages: values.slice((b % 8) * BATCH, (b % 8) * BATCH + BATCH).map((value, i) => ({ key: `u${i}`, value })),
    }),
  );
  await p.disconnect();
  return rate;
}

async function barePlatformatic(topic: string): Promise<number | string> {
  shimWithResolvers();
  try {
    const pk = await import('@platformatic/kafka');
    const p = new pk.Producer({ clientId: 'bench', bootstrapBrokers: [bootstrap], serializers: pk.stringSerializers });
    const rate = await loop((b) =>
      p.send({
        acks: -1,
        messages: values
          .slice((b % 8) * BATCH, (b % 8) * BATCH + BATCH)
          .map((value, i) => ({ topic, key: `u${i}`, value })),
      }),
    );
    await p.close();
    return rate;
  } catch (e) {
    return `failed: ${(e as Error).message}`;
  }
}

async function target(topic: string): Promise<number> {
  const s = await runScenario({
    name: 'bench-kafka-target',
    target: { type: 'kafka', produce: { topic, generator: 'transactions', key: 'userId', partitions: 4 } },
    executors: { main: { executor: 'constant-vus', vus: BATCH * IN_FLIGHT, duration: `${SECONDS}s` } },
    services: { kafka: bootstrap },
  });
  return (s.metrics.iterations as CounterData).count / SECONDS;
}

/** the pipeline target's producing side alone: no processors (they would run elsewhere), lz4 batches */
async function pipelineProducer(compression: 'lz4' | 'none'): Promise<number> {
  const s = await runScenario({
    name: 'bench-pipeline-producer',
    target: { type: 'pipeline', processors: 0, partitions: 4, drainTimeout: '1s', compression },
    executors: { main: { executor: 'constant-vus', vus: BATCH * IN_FLIGHT, duration: `${SECONDS}s` } },
    services: { kafka: bootstrap, 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
  });
  return (s.metrics.iterations as CounterData).count / SECONDS;
}

/** µs per result through the results handler (parse, correlate, ledger, e2e latency): best of 3 rounds */
async function matching(): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) best = Math.min(best, await matchingRound());
  return best;
}

async function matchingRound(): Promise<number> {
  const n = 200_000;
  const ledger = new KafkaLedger(['out']);
  const msgs: KafkaMessage[] = [];
  for (let i = 0; i < n; i++) {
    const id = `e${i}`;
    ledger.produce(id, Date.now());
    const value = Buffer.from(JSON.stringify({ orderId: id, score: 0.42, model: 'v1', features: [1, 2, 3] }));
    msgs.push({ key: null, value, headers: {}, offset: String(i), timestamp: '0', attributes: 0 } as KafkaMessage);
  }
  const registry = createRegistry();
  const handle = resultsHandler({
    ledger,
    specs: [{ topic: 'out', correlate: { field: 'orderId' } }],
    metrics: () => registry,
    now: () => 0,
    warn: () => {},
  });
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500)
    await handle({
      batch: { topic: 'out', messages: msgs.slice(i, i + 500) },
      resolveOffset: () => {},
      heartbeat: async () => {},
    } as never);
  const us = ((performance.now() - t0) * 1000) / n;
  registry.close();
  return us;
}

// the topics, as a deployment would have them (4 partitions each)
{
  const admin = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: ['bench-bare', 'bench-plt', 'bench-target'].map((topic) => ({ topic, numPartitions: 4 })),
  });
  await admin.disconnect();
}

console.log(`kafka target produce path (${quick ? 'quick' : 'full'}: ${SECONDS} s each; broker ${bootstrap})`);
try {
  const kjs = await bareKafkajs('bench-bare');
  console.log(`  bare kafkajs producer          ${fmt(kjs).padStart(9)} records/s`);
  const plt = await barePlatformatic('bench-plt');
  const pltText = typeof plt === 'number' ? `${fmt(plt).padStart(9)} records/s  (${fmt(plt / kjs, 2)}x kafkajs)` : plt;
  console.log(`  bare @platformatic/kafka       ${pltText}`);
  const t = await target('bench-target');
  console.log(`  kafka target (events/s)        ${fmt(t).padStart(9)} records/s  (${fmt(t / kjs, 2)}x kafkajs)`);
  for (const c of ['none', 'lz4'] as const) {
    const pp = await pipelineProducer(c);
    const label = `pipeline target producing, ${c}`.padEnd(30);
    console.log(`  ${label} ${fmt(pp).padStart(9)} records/s  (${fmt(pp / kjs, 2)}x kafkajs)`);
  }
  const us = await matching();
  console.log(`  matching a result              ${fmt(us, 2).padStart(9)} µs`);
  console.log(
    `\ntargets: target ≥ 0.80x bare kafkajs: ${t / kjs >= 0.8 ? 'met' : 'NOT met'} (${fmt(t / kjs, 2)}x); ` +
      `matching ≤ 2 µs: ${us <= 2 ? 'met' : 'NOT met'} (${fmt(us, 2)} µs)`,
  );
} finally {
  broker.kill();
}
