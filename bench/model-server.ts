/**
 * Model-server throughput and latency, batch size 1 vs 32 (`npx tsx bench/model-server.ts
 * [--quick]`). Each configuration runs `pipelab serve-model` as its own process and drives it
 * with autocannon (one instance per request, many connections: the server's micro-batcher forms
 * the batches). Per configuration: max throughput (closed loop), then p99 at 70 % of that max
 * (open loop at a fixed rate, autocannon's coordinated-omission correction on).
 * Baselines measured in the same run: a trivial node:http server under the same load (the HTTP
 * ceiling of this machine) and raw in-process tfjs rows/s at batch 1 and 32 (the model ceiling).
 * Targets (issue #5): batch 32 ≥ 3× the throughput of batch 1; p99 < 100 ms at 70 % of its max.
 */
import './help.ts';
import { numberFlag } from './flags.ts';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { startLocalModelServer } from '../harness/services/model-server.ts';
import { PACKAGE_MODELS_DIR, loadFraudModel } from '../pipeline/model/artefacts.ts';
import { join } from 'node:path';
import type { ScoringInput } from '../pipeline/types.ts';

// typed locally (no @types/autocannon; engine ships its own ambient declaration, avoid a clash)
interface AcResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>) => Promise<AcResult>;

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const DURATION = quick ? 3 : 10;
// enough connections to fill batches of 32 twice over while earlier batches are being answered
const CONNECTIONS = numberFlag('--connections', 128, { int: true, min: 1 });

const body = JSON.stringify({
  transaction: {
    id: 't1',
    userId: 'u42',
    deviceId: 'd1',
    merchantId: 'm7',
    amount: 42.5,
    currency: 'EUR',
    country: 'DE',
    channel: 'online',
    eventTime: 1_767_225_600_000,
  },
  features: { user_transaction_count_1h: 3, user_avg_transaction_amount_24h: 37.2, user_device_risk_score: 0.05 },
});

async function load(url: string, opts: { overallRate?: number; duration?: number } = {}) {
  const r = await autocannon({
    url: `${url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: opts.duration ?? DURATION,
    overallRate: opts.overallRate,
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    timeouts: r.timeouts,
  };
}

/** a trivial node:http server in its own process (like the model server), answering at once */
async function trivialServer() {
  const code = [
    `const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('{"predictions":[]}'))});`,
    `s.listen(0,'127.0.0.1',()=>console.log('port',s.address().port))`,
  ].join('');
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))?.[1]))),
  );
  return { url: `http://127.0.0.1:${port}`, close: async () => void child.kill('SIGTERM') };
}

const row: ScoringInput = JSON.parse(body);
const model = await loadFraudModel(join(PACKAGE_MODELS_DIR, 'v1'));
const rowsPerSec = (batch: number) => {
  const rows = Array.from({ length: batch }, () => row);
  for (let i = 0; i < 50; i++) model.predict(rows); // warm-up
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < (quick ? 500 : 2000)) {
    model.predict(rows);
    n += batch;
  }
  return n / ((performance.now() - t0) / 1000);
};
const raw1 = rowsPerSec(1),
  raw32 = rowsPerSec(32);
model.dispose();

const base = await trivialServer();
await load(base.url, { duration: 1 }); // warm-up
const baseline = await load(base.url);
await base.close();

const results: Record<number, { max: Awaited<ReturnType<typeof load>>; at70: Awaited<ReturnType<typeof load>> }> = {};
for (const batchSize of [1, 32]) {
  const srv = await startLocalModelServer({ batchSize, maxWaitMs: 5, routes: [{ version: 'v1', weight: 1 }] });
  try {
    await load(srv.url, { duration: 1 }); // warm-up (JIT, wasm)
    const max = await load(srv.url);
    const at70 = await load(srv.url, { overallRate: Math.max(1, Math.floor(max.rps * 0.7)) });
    results[batchSize] = { max, at70 };
  } finally {
    await srv.close();
  }
}

const f = (x: number) => Math.round(x).toLocaleString('en-US');
const b1 = results[1]!,
  b32 = results[32]!;
console.log(`model server, ${CONNECTIONS} connections, ${DURATION} s per run${quick ? ' (--quick)' : ''}`);
console.log(`  baseline trivial node:http server:  ${f(baseline.rps)} req/s (HTTP ceiling on this machine)`);
console.log(
  `  baseline raw tfjs (v1, in process): batch 1 ${f(raw1)} rows/s, batch 32 ${f(raw32)} rows/s ` +
    `(${(raw32 / raw1).toFixed(1)}×)`,
);
for (const [bs, r] of [
  [1, b1],
  [32, b32],
] as const) {
  console.log(
    `  batch ${String(bs).padStart(2)}: max ${f(r.max.rps)} req/s (p99 ${r.max.p99} ms, errors ` +
      `${r.max.errors});  at 70 % (${f(r.max.rps * 0.7)} req/s): p50 ${r.at70.p50} ms, p99 ${r.at70.p99} ms`,
  );
}
const ratio = b32.max.rps / Math.max(1, b1.max.rps);
console.log(
  `  ratio batch 32 / batch 1 throughput: ${ratio.toFixed(2)}× (target ≥ 3×) ${ratio >= 3 ? 'OK' : 'BELOW TARGET'}`,
);
console.log(
  `  batch 32 p99 at 70 % of max: ${b32.at70.p99} ms (target < 100 ms) ${b32.at70.p99 < 100 ? 'OK' : 'ABOVE TARGET'}`,
);
console.log(`  batch 32 vs trivial HTTP server: ${(b32.max.rps / baseline.rps).toFixed(2)}× of the HTTP ceiling`);
