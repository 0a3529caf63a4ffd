/**
 * Wire formats: encode and decode rates of pipelab's serializers (json, avro, avro-confluent with
 * its id from the embedded schema registry) on the same pre-built transactions (11 fields), with
 * JSON as the baseline, and @kafkajs/confluent-schema-registry's own encode/decode (asynchronous,
 * one await per value) against the same registry for comparison.
 *   npx tsx bench/formats.ts            (≈ 15 s)
 *   npx tsx bench/formats.ts --quick    (≈ 3 s; or PIPELAB_BENCH_QUICK=1)
 * Figures are per core (one thread), by this process's CPU time (steadier on a shared machine).
 */
import './help.ts';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { startSchemaRegistry } from '../broker/schema-registry/index.ts';
import type { Serializer } from '../generators/formats/index.ts';
import { TRANSACTION_AVSC } from '../generators/schemas/index.ts';
import { TransactionStream } from '../generators/transactions.ts';
import { createSerializer } from '../harness/formats/index.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const BUDGET_MS = quick ? 100 : 400;
const ROUNDS = quick ? 3 : 5;
let sink = 0;

const pre = new TransactionStream({ seed: 1 }).take(50_000);
const N = pre.length;

/** ops per round so one round takes ≈ BUDGET_MS */
async function calibrate(fn: (n: number) => unknown): Promise<number> {
  for (let n = 1000; ; n *= 4) {
    const t0 = performance.now();
    await fn(n);
    const dt = performance.now() - t0;
    if (dt > BUDGET_MS / 4) return Math.ceil((n * BUDGET_MS) / dt);
  }
}

interface Case {
  label: string;
  fn: (n: number) => unknown;
  n: number;
  cpu: number;
}

/** round-robin rounds, best kept: a burst of load elsewhere costs one round of each case */
async function runAll(cases: Case[]): Promise<void> {
  for (const c of cases) c.n = await calibrate(c.fn);
  for (let r = 0; r < ROUNDS; r++)
    for (const c of cases) {
      const c0 = process.cpuUsage();
      await c.fn(c.n);
      const cu = process.cpuUsage(c0);
      c.cpu = Math.max(c.cpu, c.n / ((cu.user + cu.system) / 1e6));
    }
}

const registry = await startSchemaRegistry();
const url = registry.url;
const sers: Record<string, Serializer> = {
  json: await createSerializer({ format: 'json' }),
  avro: await createSerializer({ format: 'avro', schema: TRANSACTION_AVSC }),
  'avro-confluent': await createSerializer({
    format: 'avro-confluent',
    schema: TRANSACTION_AVSC,
    registry: { url },
    subject: 'transactions-value',
  }),
};
const client = new SchemaRegistry({ host: url });
const id = sers['avro-confluent']!.schemaId!;
await client.getSchema(id); // cached, as in a producer's steady state

const cases: Case[] = [];
for (const [name, s] of Object.entries(sers)) {
  const bytes = pre.map((t) => s.encode(t));
  cases.push({
    label: `${name} encode`,
    n: 0,
    cpu: 0,
    fn: (n) => {
      for (let i = 0; i < n; i++) sink += s.encode(pre[i % N]).length;
    },
  });
  cases.push({
    label: `${name} decode`,
    n: 0,
    cpu: 0,
    fn: (n) => {
      for (let i = 0; i < n; i++) sink += (s.decode(bytes[i % N]!) as { amount: number }).amount;
    },
  });
}
const clientBytes = pre.map((t) => sers['avro-confluent']!.encode(t));
cases.push({
  label: '@kafkajs/confluent-schema-registry encode',
  n: 0,
  cpu: 0,
  fn: async (n) => {
    for (let i = 0; i < n; i++) sink += (await client.encode(id, pre[i % N])).length;
  },
});
cases.push({
  label: '@kafkajs/confluent-schema-registry decode',
  n: 0,
  cpu: 0,
  fn: async (n) => {
    for (let i = 0; i < n; i++) sink += ((await client.decode(clientBytes[i % N]!)) as { amount: number }).amount;
  },
});
await runAll(cases);
await registry.close();

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
const size = (name: string) => sers[name]!.encode(pre[0]).length;
console.log('wire formats, one thread, CPU time; ratio = rate / JSON of this run (encode to encode, decode to decode)');
const w = Math.max(...cases.map((c) => c.label.length));
for (const c of cases) {
  const base = cases[c.label.endsWith('encode') ? 0 : 1]!;
  console.log(`  ${c.label.padEnd(w)}  ${fmt(c.cpu).padStart(10)}  ×${(c.cpu / base.cpu).toFixed(2)}`);
}
console.log(
  `bytes per transaction: json ${size('json')}, avro ${size('avro')}, avro-confluent ${size('avro-confluent')}` +
    `${quick ? '  [--quick: rough figures]' : ''}`,
);
if (sink === 42) console.log('');
