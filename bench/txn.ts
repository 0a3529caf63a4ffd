/**
 * What transactions cost on the embedded broker, side by side in one run: kafkajs producing the
 * same 100 B records with an idempotent producer and with a transactional one (a commit every
 * 1 and every 10 sends of 100 records), then reading them back with read_uncommitted and with
 * read_committed. The broker runs in its own process (as in bench/broker.ts), so the figures
 * show the protocol round trips a transaction adds (AddPartitionsToTxn, EndTxn), not shared CPU.
 *
 *   npx tsx bench/txn.ts            200k records per producer
 *   npx tsx bench/txn.ts --quick    20k (or PIPELAB_BENCH_QUICK=1)
 */
import './help.ts';
import { serveChild } from './serve-child.ts';
import kafkajs from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = QUICK ? 20_000 : 200_000;
const BATCH = 100;
const VALUE = 'x'.repeat(100);

async function serve(): Promise<void> {
  const { startBroker } = await import('../broker/index.ts');
  const broker = await startBroker();
  process.send!({ bootstrap: broker.bootstrap });
  process.on('disconnect', () => void broker.close().then(() => process.exit(0)));
}

/** records/s producing N records in sends of BATCH; `perTxn` sends per transaction, 0 = no transactions */
async function produce(bootstrap: string[], topic: string, perTxn: number): Promise<number> {
  const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING, clientId: `bench-${topic}` });
  const p = kafka.producer(
    perTxn > 0 ? { transactionalId: topic, idempotent: true, maxInFlightRequests: 1 } : { idempotent: true },
  );
  await p.connect();
  const messages = Array.from({ length: BATCH }, (_, i) => ({ key: String(i), value: VALUE }));
  const t0 = performance.now();
  for (let sent = 0; sent < N; ) {
    if (perTxn === 0) {
      await p.send({ topic, messages });
      sent += BATCH;
      continue;
    }
    const tx = await p.transaction();
    for (let i = 0; i < perTxn && sent < N; i++, sent += BATCH) await tx.send({ topic, messages });
    await tx.commit();
  }
  const secs = (performance.now() - t0) / 1000;
  await p.disconnect();
  return N / secs;
}

async function consume(bootstrap: string[], topic: string, readUncommitted: boolean): Promise<number> {
  const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING });
  const c = kafka.consumer({ groupId: `bench-${topic}-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 100 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  let got = 0;
  // timed from the first batch: the group join before it is no part of the read path
  let t0 = 0,
    first = 0;
  await new Promise<void>((resolve) => {
    void c.run({
      eachBatch: async ({ batch }) => {
        if (got === 0) {
          t0 = performance.now();
          first = batch.messages.length;
        }
        got += batch.messages.length;
        if (got >= N) resolve();
      },
    });
  });
  const secs = (performance.now() - t0) / 1000;
  await c.disconnect();
  return (N - first) / secs;
}

const k = (r: number) => `${(r / 1000).toFixed(1)}k/s`;

async function main(): Promise<void> {
  const { child, ready } = await serveChild<{ bootstrap: string[] }>(import.meta.url, ['--serve']);
  const { bootstrap } = ready;
  try {
    console.log(`transactions bench${QUICK ? ' (--quick)' : ''}: kafkajs, ${N} records of 100 B, sends of ${BATCH}`);
    // warm kafkajs and the broker up on both paths first
    await produce(bootstrap, 'warm', 0);
    await produce(bootstrap, 'warm-tx', 10);
    await consume(bootstrap, 'warm', true);
    // three rounds, alternating the variants, best of each: the machine may be shared
    const best = { plain: 0, tx10: 0, tx1: 0, ru: 0, rc: 0 };
    for (let round = 0; round < 3; round++) {
      best.plain = Math.max(best.plain, await produce(bootstrap, `plain-${round}`, 0));
      best.tx10 = Math.max(best.tx10, await produce(bootstrap, `tx10-${round}`, 10));
      best.tx1 = Math.max(best.tx1, await produce(bootstrap, `tx1-${round}`, 1));
      best.ru = Math.max(best.ru, await consume(bootstrap, `tx10-${round}`, true));
      best.rc = Math.max(best.rc, await consume(bootstrap, `tx10-${round}`, false));
    }
    const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;
    console.log(`produce idempotent           ${k(best.plain)}`);
    console.log(`produce txn, 10 sends/commit ${k(best.tx10)} (${pct(best.tx10, best.plain)} of idempotent)`);
    console.log(`produce txn, 1 send/commit   ${k(best.tx1)} (${pct(best.tx1, best.plain)} of idempotent)`);
    console.log(`consume read_uncommitted     ${k(best.ru)}`);
    console.log(`consume read_committed       ${k(best.rc)} (${pct(best.rc, best.ru)})`);
  } finally {
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) void serve();
else await main();
