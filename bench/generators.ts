/**
 * Generator throughput: events/s for building + serialising transactions (JSON, Avro), against a
 * plain JSON.stringify of the same pre-built objects measured in this run (the baseline), and
 * the Zipf samplers' cost per draw against one rng.next().
 *   npx tsx bench/generators.ts            (≈ 15 s)
 *   npx tsx bench/generators.ts --quick    (≈ 3 s; or PIPELAB_BENCH_QUICK=1)
 * Figures are per core (single thread). Targets (issue #3): ≥ 500k events/s JSON, ≥ 1M Avro.
 */
import { TransactionStream, type Transaction } from '../generators/transactions.ts';
import { UserEventStream } from '../generators/user-events.ts';
import { transactionAvroType, transactionToJson, userEventToJson } from '../generators/serialize.ts';
import { createZipf } from '../generators/zipf.ts';
import { Rng } from '../generators/rng.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const BUDGET_MS = quick ? 150 : 1000;
const ROUNDS = quick ? 2 : 3;

let sink = 0; // keeps results alive so the JIT can't drop the work

/** best-of-ROUNDS rate (ops/s) of `fn(n)` doing n operations, each round ≈ BUDGET_MS */
function rate(fn: (n: number) => void): number {
  let n = 1000;
  for (;;) {
    const t0 = performance.now();
    fn(n);
    const dt = performance.now() - t0;
    if (dt > BUDGET_MS / 4) break;
    n *= 4;
  }
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn(n);
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
const rows: Array<[string, string, string]> = [];

// pre-built objects for the baselines
const pre: Transaction[] = new TransactionStream({ seed: 1 }).take(100_000);
const preN = pre.length;
const baseline = rate((n) => {
  for (let i = 0; i < n; i++) sink += JSON.stringify(pre[i % preN]).length;
});
rows.push(['JSON.stringify of pre-built transactions (baseline)', fmt(baseline), '1.00']);

const rel = (x: number) => (x / baseline).toFixed(2);
const add = (label: string, r: number) => rows.push([label, fmt(r), rel(r)]);

add('transactionToJson of pre-built transactions', rate((n) => {
  for (let i = 0; i < n; i++) sink += transactionToJson(pre[i % preN]!).length;
}));
add('avro toBuffer of pre-built transactions', rate((n) => {
  for (let i = 0; i < n; i++) sink += transactionAvroType.toBuffer(pre[i % preN]).length;
}));

let s = new TransactionStream({ seed: 2 });
add('build transactions (no serialisation)', rate((n) => {
  for (let i = 0; i < n; i++) sink += s.next().amount;
}));
s = new TransactionStream({ seed: 3 });
add('build + JSON.stringify', rate((n) => {
  for (let i = 0; i < n; i++) sink += JSON.stringify(s.next()).length;
}));
s = new TransactionStream({ seed: 4 });
const jsonRate = rate((n) => {
  for (let i = 0; i < n; i++) sink += transactionToJson(s.next()).length;
});
add('build + transactionToJson  (target ≥ 500k/s)', jsonRate);
s = new TransactionStream({ seed: 5 });
const avroRate = rate((n) => {
  for (let i = 0; i < n; i++) sink += transactionAvroType.toBuffer(s.next()).length;
});
add('build + avro toBuffer  (target ≥ 1M/s)', avroRate);
s = new TransactionStream({ seed: 6 });
const big = Buffer.alloc(1 << 20);
add('build + avro encode into a reused buffer', rate((n) => {
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (pos > big.length - 1024) pos = 0;
    pos = transactionAvroType.encode(s.next(), big, pos);
  }
  sink += pos;
}));
const u = new UserEventStream({ seed: 7 });
add('build + userEventToJson (user-events)', rate((n) => {
  for (let i = 0; i < n; i++) sink += userEventToJson(u.next()).length;
}));

console.log('generator throughput, one core (ratio = vs the JSON.stringify baseline of this run)');
const w = Math.max(...rows.map((r) => r[0].length));
for (const [a, b, c] of rows) console.log(`  ${a.padEnd(w)}  ${b.padStart(10)}  ×${c}`);

// Zipf: ns per draw, against rng.next() alone
const r = new Rng(9);
const nsPer = (fn: (n: number) => void) => 1e9 / rate(fn);
const nextNs = nsPer((n) => {
  for (let i = 0; i < n; i++) sink += r.next();
});
console.log('\nZipf sampler cost (baseline: one rng.next())');
console.log(`  rng.next()                                   ${nextNs.toFixed(1).padStart(6)} ns`);
for (const [label, z] of [
  ['alias, n = 100k, s = 1.1', createZipf(100_000, 1.1, 'alias')],
  ['alias, n = 1M, s = 1.1', createZipf(1_000_000, 1.1, 'alias')],
  ['rejection-inversion, n = 100k, s = 1.1', createZipf(100_000, 1.1, 'rejection-inversion')],
  ['rejection-inversion, n = 100M, s = 1.1', createZipf(100_000_000, 1.1, 'rejection-inversion')],
] as const) {
  const ns = nsPer((n) => {
    for (let i = 0; i < n; i++) sink += z.sample(r);
  });
  console.log(`  ${label.padEnd(43)}  ${ns.toFixed(1).padStart(6)} ns  (×${(ns / nextNs).toFixed(1)} of rng.next)`);
}
console.log(`\ntargets: JSON ${jsonRate >= 500_000 ? 'met' : 'NOT met'} (${fmt(jsonRate)}), Avro toBuffer ${avroRate >= 1_000_000 ? 'met' : 'NOT met'} (${fmt(avroRate)})${quick ? '  [--quick: rough figures]' : ''}`);
if (sink === 42) console.log('');
