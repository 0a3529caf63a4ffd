/**
 * The /predict body, JSON against the compact format (pipeline/model-server/wire.ts), side by side in one run
 * (`npx tsx bench/model-wire.ts [--quick] [--sizes 64,256,512] [--rounds 5]`): CPU µs per instance to build and
 * to read a request and its answer, as the processors' ModelClient and the model server do them, on generated
 * transactions with their features. JSON: JSON.stringify of { instances } into a Buffer, then JSON.parse and the
 * server's parsePredictBody; the answer JSON.stringify of { predictions } and JSON.parse. Compact: encodeInstances,
 * decodeInstances (its checks included), encodePredictions, decodePredictions. Each figure is the best of
 * --rounds rounds of ~200 ms each (the machine's speed swings; the best is the least disturbed), with the bytes an
 * instance takes on the wire.
 */
import './help.ts';
import { numberFlag, numberListFlag } from './flags.ts';
import { createTransactionStream } from '../generators/transactions.ts';
import { parsePredictBody } from '../pipeline/model-server/validate.ts';
import {
  decodeInstances,
  decodePredictions,
  encodeInstances,
  encodePredictions,
} from '../pipeline/model-server/wire.ts';
import type { Prediction, ScoringInput } from '../pipeline/types.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const sizes = numberListFlag('--sizes', '64,256,512', { int: true, min: 1, max: 1024, example: '64,256' });
const rounds = numberFlag('--rounds', quick ? 2 : 5, { int: true, min: 1 });
const roundMs = quick ? 50 : 200;

const stream = createTransactionStream({ seed: 7 });
const inputs = (n: number): ScoringInput[] =>
  stream.take(n).map((t, i) => ({
    transaction: t,
    features: {
      user_transaction_count_1h: i % 7,
      user_avg_transaction_amount_24h: 40 + (i % 13) * 3.25,
      user_device_risk_score: (i % 10) / 10,
    },
  }));
const predictions = (xs: ScoringInput[]): Prediction[] =>
  xs.map((x, i) => ({
    id: x.transaction.id,
    score: (i * 0.137) % 1,
    fraud: (i * 0.137) % 1 >= 0.5,
    source: i % 50 === 0 ? 'rules' : 'model',
    modelVersion: 'v1',
    threshold: i % 50 === 0 ? 0.5 : 0.62,
  }));

/** best µs per call of f over rounds (the CPU time of the thread) */
function best(f: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = process.cpuUsage();
    const w0 = performance.now();
    while (performance.now() - w0 < roundMs) {
      f();
      calls++;
    }
    const u = process.cpuUsage(t0);
    min = Math.min(min, (u.user + u.system) / calls);
  }
  return min;
}

let sink = 0;
const fmt = (x: number) => x.toFixed(3).padStart(8);
console.log('µs per instance (best of %d rounds), bytes per instance', rounds);
console.log(
  ['size', 'format', 'req build', 'req read', 'ans build', 'ans read', 'total', 'req B', 'ans B']
    .map((s) => s.padStart(9))
    .join(' '),
);
for (const n of sizes) {
  const xs = inputs(n);
  const ps = predictions(xs);
  const jsonReq = Buffer.from(JSON.stringify({ instances: xs }));
  const jsonAns = Buffer.from(JSON.stringify({ predictions: ps }));
  const compactReq = encodeInstances(xs)!;
  const compactAns = encodePredictions(ps);
  const decoded = decodeInstances(compactReq);
  if (!decoded.ok || decodePredictions(compactAns, xs)[n - 1]!.score !== ps[n - 1]!.score)
    throw new Error('the compact format did not round-trip');
  const rows: [string, number[], number, number][] = [
    [
      'json',
      [
        best(() => (sink += Buffer.from(JSON.stringify({ instances: xs })).length)),
        best(() => (sink += parsePredictBody(JSON.parse(jsonReq.toString('utf8'))).ok ? 1 : 0)),
        best(() => (sink += Buffer.from(JSON.stringify({ predictions: ps })).length)),
        best(() => (sink += (JSON.parse(jsonAns.toString('utf8')) as { predictions: unknown[] }).predictions.length)),
      ],
      jsonReq.length,
      jsonAns.length,
    ],
    [
      'compact',
      [
        best(() => (sink += encodeInstances(xs)!.length)),
        best(() => (sink += decodeInstances(compactReq).ok ? 1 : 0)),
        best(() => (sink += encodePredictions(ps).length)),
        best(() => (sink += decodePredictions(compactAns, xs).length)),
      ],
      compactReq.length,
      compactAns.length,
    ],
  ];
  for (const [name, us, rq, an] of rows) {
    const per = us.map((u) => u / n);
    const total = per.reduce((a, b) => a + b, 0);
    const bytes = [String(Math.round(rq / n)), String(Math.round(an / n))];
    const cells = [String(n), name, ...[...per, total].map(fmt), ...bytes];
    console.log(cells.map((s) => s.padStart(9)).join(' '));
  }
}
if (sink < 0) console.log(sink);
