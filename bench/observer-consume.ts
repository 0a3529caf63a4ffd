/**
 * The pipeline's results observer consuming alone, kafkajs against @platformatic/kafka side by side
 * in one run (target.observerClient): each reads the same fraud decisions (as the processors
 * write them: lz4, six headers, a ~230 B JSON value, in batches of `--batch` records per
 * partition) through the observer's consumer and readBatch (results.ts: headers, JSON, re-reads),
 * read_committed. The broker runs in a process of its own, so the CPU figures (this process's
 * user + system time, every thread) are the consumer's alone: CPU per record is what the observer
 * costs the pipeline's main thread per result.
 *
 *   npx tsx bench/observer-consume.ts            100k records, three rounds taking turns
 *   npx tsx bench/observer-consume.ts --quick    20k (or PIPELAB_BENCH_QUICK=1)
 *   --batch N                                    records a partition gets per send (default 8)
 *   --compression none|lz4                       (default lz4, the pipeline's)
 *   --clients kafkajs,platformatic               which clients (default both; one alone, e.g. to profile it)
 */
import './help.ts';
import { numberFlag } from './flags.ts';
import { median } from './stats.ts';
import { serveChild } from './serve-child.ts';
import kafkajs from 'kafkajs';
import { type ObserverClient, openResultsConsumer } from '../harness/targets/pipeline/observer.ts';
import { readBatch } from '../harness/targets/pipeline/results.ts';
import { platformaticProducer, headerMap } from '../pipeline/platformatic.ts';
import { H, stageValue } from '../pipeline/processor/headers.ts';
import { ensureTopics, TOPICS } from '../pipeline/topics.ts';

const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = QUICK ? 20_000 : 100_000;
const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const BATCH = numberFlag('--batch', 8, { int: true, min: 1 });
const COMPRESSION = flag('--compression', 'lz4');
const PARTITIONS = 12;

async function serve(): Promise<void> {
  const { startBroker } = await import('../broker/index.ts');
  const broker = await startBroker({ minSessionTimeoutMs: 1000 }); // as the pipeline target starts it
  process.send!({ bootstrap: broker.bootstrap });
  process.on('disconnect', () => void broker.close().then(() => process.exit(0)));
}

/** a decision as a processor writes it (messages.ts decisionMessage) */
function decision(i: number, partition: number) {
  const t = 1_765_000_000_000 + i;
  return {
    topic: TOPICS.fraudDecisions,
    partition,
    key: `user-${i % 10_000}`,
    value: JSON.stringify({
      eventId: `ev-${i}`,
      userId: `user-${i % 10_000}`,
      amount: 123.45,
      eventTime: t,
      score: 0.0123,
      fraud: false,
      threshold: 0.5,
      source: 'model',
      modelVersion: 'v1',
    }),
    headers: headerMap({
      [H.eventId]: `ev-${i}`,
      [H.processor]: 'processor-0',
      [H.stageMs]: stageValue(t + 1, { featuresMs: 0.4, inferenceMs: 2.1, sinkMs: t + 4, records: BATCH }),
      [H.sourcePartition]: String(partition),
      [H.sourceOffset]: String(i),
      [H.sentMs]: t.toFixed(3),
    }),
  };
}

async function write(brokers: string[]): Promise<void> {
  await ensureTopics(new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }), { partitions: PARTITIONS });
  const p = await platformaticProducer({ clientId: 'bench-results', brokers });
  await p.metadata({ topics: [TOPICS.fraudDecisions] });
  for (let i = 0; i < N; ) {
    const messages = [];
    for (let part = 0; part < PARTITIONS && i < N; part++)
      for (let j = 0; j < BATCH && i < N; j++) messages.push(decision(i++, part));
    await p.send({ messages, acks: 1, ...(COMPRESSION === 'none' ? {} : { compression: COMPRESSION }) });
  }
  await p.close();
}

/** one client reading all N: records/s from its first batch, CPU µs per record over the same span */
async function consume(client: ObserverClient, brokers: string[]): Promise<{ rate: number; cpuUs: number }> {
  const seen = new Map<string, bigint>();
  let got = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  let first = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const t1 = { wall: 0, cpu: process.cpuUsage() };
  const c = await openResultsConsumer({ client, brokers, embedded: true }, (b) => {
    const n = readBatch(b, seen, false).items.length;
    if (got === 0) {
      // timed from the first batch: the group join before it is no part of the read path
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      first = n;
    }
    got += n;
    if (got >= N && t1.wall === 0) {
      t1.wall = performance.now();
      t1.cpu = process.cpuUsage(cpu0);
      done();
    }
  });
  await all;
  await c.stop();
  const records = N - first;
  return { rate: records / ((t1.wall - t0) / 1000), cpuUs: (t1.cpu.user + t1.cpu.system) / records };
}

async function main(): Promise<void> {
  const { child, ready } = await serveChild<{ bootstrap: string[] }>(import.meta.url, ['--serve']);
  const { bootstrap } = ready;
  try {
    await write(bootstrap);
    console.log(
      `observer consume bench${QUICK ? ' (--quick)' : ''}: ${N} decisions, ${PARTITIONS} partitions, ` +
        `${BATCH} a batch, ${COMPRESSION}; the broker in its own process`,
    );
    const clients = flag('--clients', 'kafkajs,platformatic').split(',') as ObserverClient[];
    for (const c of clients) await consume(c, bootstrap); // warm both paths (JIT, connections) first
    const runs: Record<string, Array<{ rate: number; cpuUs: number }>> = { kafkajs: [], platformatic: [] };
    // three rounds taking turns, the order flipped each round: the machine may be shared
    for (let round = 0; round < 3; round++)
      for (const c of round % 2 ? [...clients].reverse() : clients) runs[c]!.push(await consume(c, bootstrap));
    for (const c of clients) {
      const r = runs[c]!;
      const rates = r.map((x) => `${(x.rate / 1000).toFixed(1)}k`).join(' ');
      const cpus = r.map((x) => x.cpuUs.toFixed(2)).join(' ');
      console.log(
        `${c.padEnd(12)} records/s ${rates} (median ${(median(r.map((x) => x.rate)) / 1000).toFixed(1)}k)  ` +
          `CPU µs/record ${cpus} (median ${median(r.map((x) => x.cpuUs)).toFixed(2)})`,
      );
    }
  } finally {
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) void serve();
else await main();
