/**
 * What replication costs: produce throughput of 100 B records against one node (`pipelab broker`)
 * and against a 3-node replicated cluster (`pipelab broker --brokers 3 --replication-factor 3
 * --min-insync-replicas 2`, one process per node), each broker started by the CLI in its own
 * processes, side by side in the same run. acks=all on the cluster waits until both followers
 * hold the batch (the ISR); acks=1 answers after the leader's append. Producers: kcat (librdkafka,
 * its own process) and kafkajs (in this process), 3 partitions.
 *
 *   npx tsx bench/broker-replication.ts           200k records per kcat case, 60k per kafkajs case
 *   npx tsx bench/broker-replication.ts --quick   a short run to see it works
 */
import './help.ts';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const KCAT_N = QUICK ? 20_000 : 200_000;
const KJS_N = QUICK ? 6_000 : 60_000;
const VALUE = 'x'.repeat(100);

async function startCli(args: string[]): Promise<{ bootstrap: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/pipelab.js', 'broker', '--port', '0', '--partitions', '3', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /bootstrap (\S+)/.exec(out);
      if (m && out.includes('press Ctrl-C')) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`broker exited: ${out}`)));
  });
  return { bootstrap, child };
}

async function stopCli(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await done;
}

function kcat(bootstrap: string, topic: string, acks: string, file: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(
      'kcat',
      ['-b', bootstrap, '-P', '-t', topic, '-X', `acks=${acks}`, '-X', 'linger.ms=5', '-l', file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) =>
      code === 0 && !/failed/i.test(err) ? resolve(performance.now() - t0) : reject(new Error(err)),
    );
  });
}

async function kafkajsProduce(bootstrap: string, topic: string, acks: -1 | 1): Promise<number> {
  const producer = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  // warm up: metadata and connections
  await producer.send({ topic, acks, messages: [{ value: VALUE }] });
  const t0 = performance.now();
  const batch = Array.from({ length: 500 }, () => ({ value: VALUE }));
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < KJS_N; i += batch.length * 3) {
    inflight.push(
      Promise.all(
        [0, 1, 2].map((partition) => producer.send({ topic, acks, messages: batch.map((m) => ({ ...m, partition })) })),
      ),
    );
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  const ms = performance.now() - t0;
  await producer.disconnect();
  return ms;
}

const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')}/s`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-repl-bench-'));
  const file = join(dir, 'records.txt');
  writeFileSync(file, `${Array.from({ length: KCAT_N }, () => VALUE).join('\n')}\n`);
  const setups: Array<[string, string[]]> = [
    ['1 node', []],
    ['3 nodes, RF 3, min ISR 2', ['--brokers', '3', '--replication-factor', '3', '--min-insync-replicas', '2']],
  ];
  const rows: string[] = [];
  try {
    for (const [name, args] of setups) {
      const { bootstrap, child } = await startCli(args);
      try {
        for (const acks of ['all', '1'] as const) {
          const ms = await kcat(bootstrap, `kcat-${acks}`, acks, file);
          rows.push(`${name.padEnd(26)} kcat    acks=${acks.padEnd(3)} ${rate(KCAT_N, ms).padStart(10)}`);
          const kms = await kafkajsProduce(bootstrap, `kjs-${acks}`, acks === 'all' ? -1 : 1);
          rows.push(`${name.padEnd(26)} kafkajs acks=${acks.padEnd(3)} ${rate(KJS_N, kms).padStart(10)}`);
        }
      } finally {
        await stopCli(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`produce throughput, 100 B records (${KCAT_N} kcat, ${KJS_N} kafkajs):\n${rows.join('\n')}\n`);
}

await main();
