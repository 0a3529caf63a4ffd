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
 *   npx tsx bench/kafka-target.ts            5 s per producer, 3 rounds
 *   npx tsx bench/kafka-target.ts --quick    2 s per producer, 3 rounds
 *   [--semi-space 128]                       the young generation in MB, 0 for V8's default
 * It runs with the `pipelab` command's young generation, `--max-semi-space-size=128` (bin/pipelab.js;
 * the bench runs itself again with it, the broker too), every producer alike. The targets keep each batch's
 * records (2,000 VUs: four batches of 500 in flight) across scavenges: with V8's default 16 MB the
 * pipeline target's producing side spent about a fifth of its time in the collector (2026-12-06), bare
 * kafkajs little (the same µs per record either way), so the default flag is the one users run with.
 * The producers take turns, round after round, and each round's ratios to that round's kafkajs are
 * kept: on a shared machine the load of the moment moves every rate, so one pass compares moments,
 * not clients. The medians are reported, with the bench process's CPU µs per record.
 * Targets (issues "Bring your own pipeline", "Load driver"): target ≥ 80 % of bare kafkajs; matching ≤ 2 µs.
 */
import './help.ts';
import { spawn } from 'node:child_process';
import kafkajs, { type KafkaMessage } from 'kafkajs';
import { pipelabCollector } from './flags.ts';
import { median } from './stats.ts';
import { createRegistry } from '../harness/metrics/index.ts';
import { runScenario } from '../harness/runner/index.ts';
import { shimWithResolvers } from '../harness/targets/producers.ts';
import { KafkaLedger } from '../harness/targets/kafka/ledger.ts';
import { resultsHandler } from '../harness/targets/kafka/results.ts';
import { transactionToJson } from '../generators/serialize.ts';
import { createTransactionStream } from '../generators/transactions.ts';
import type { CounterData } from '../results/types.ts';

const semiSpace = pipelabCollector({ noPretenuring: false });
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const SECONDS = quick ? 2 : 5;
const ROUNDS = Number(process.env.PIPELAB_BENCH_ROUNDS ?? 3);
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
    topics: Array.from({ length: ROUNDS }, (_, r) => [`bench-bare-${r}`, `bench-plt-${r}`, `bench-target-${r}`])
      .flat()
      .map((topic) => ({ topic, numPartitions: 4 })),
  });
  await admin.disconnect();
}

/** a producer's rate and this process's CPU µs per record over the run */
async function timed(run: () => Promise<number | string>): Promise<{ rate: number; cpuUs: number } | string> {
  const c0 = process.cpuUsage();
  const rate = await run();
  if (typeof rate === 'string') return rate;
  const c = process.cpuUsage(c0);
  return { rate, cpuUs: (c.user + c.system) / (rate * SECONDS) };
}

const ROWS: [string, (round: number) => Promise<number | string>][] = [
  ['bare kafkajs producer', (r) => bareKafkajs(`bench-bare-${r}`)],
  ['bare @platformatic/kafka', (r) => barePlatformatic(`bench-plt-${r}`)],
  ['kafka target (events/s)', (r) => target(`bench-target-${r}`)],
  ['pipeline target producing, none', () => pipelineProducer('none')],
  ['pipeline target producing, lz4', () => pipelineProducer('lz4')],
];

console.log(
  `kafka target produce path (${quick ? 'quick' : 'full'}: ${SECONDS} s each, ${ROUNDS} rounds; broker ${bootstrap}; ` +
    `${semiSpace ?? "V8's default semi-space"})`,
);
try {
  const got = ROWS.map(() => ({ rates: [] as number[], ratios: [] as number[], cpu: [] as number[], error: '' }));
  for (let round = 0; round < ROUNDS; round++) {
    let kjs = 0;
    const line: string[] = [];
    for (const [i, [label, run]] of ROWS.entries()) {
      const r = await timed(() => run(round));
      if (typeof r === 'string') {
        got[i]!.error = r;
        continue;
      }
      if (i === 0) kjs = r.rate;
      got[i]!.rates.push(r.rate);
      got[i]!.ratios.push(r.rate / kjs);
      got[i]!.cpu.push(r.cpuUs);
      line.push(`${label.split(' ').slice(-1)[0]} ${fmt(r.rate)}`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  console.log(`\n  ${'producer'.padEnd(32)} ${'records/s'.padStart(9)}  ${'vs kafkajs'.padStart(10)}  CPU µs/record`);
  for (const [i, [label]] of ROWS.entries()) {
    const g = got[i]!;
    if (!g.rates.length) {
      console.log(`  ${label.padEnd(32)} ${g.error}`);
      continue;
    }
    console.log(
      `  ${label.padEnd(32)} ${fmt(median(g.rates)).padStart(9)}  ${`${fmt(median(g.ratios), 2)}x`.padStart(10)}  ` +
        `${fmt(median(g.cpu), 1).padStart(13)}   (ratios ${g.ratios.map((x) => fmt(x, 2)).join(', ')})`,
    );
  }
  const us = await matching();
  console.log(`  ${'matching a result'.padEnd(32)} ${fmt(us, 2).padStart(9)} µs`);
  const t = median(got[2]!.ratios);
  const p = median(got[3]!.ratios);
  console.log(
    `\ntargets (medians over ${ROUNDS} rounds): kafka target ≥ 0.80x bare kafkajs: ${t >= 0.8 ? 'met' : 'NOT met'} ` +
      `(${fmt(t, 2)}x); pipeline target ≥ 0.80x: ${p >= 0.8 ? 'met' : 'NOT met'} (${fmt(p, 2)}x); ` +
      `matching ≤ 2 µs: ${us <= 2 ? 'met' : 'NOT met'} (${fmt(us, 2)} µs)`,
  );
} finally {
  broker.kill();
}
