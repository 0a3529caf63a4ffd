/**
 * Metrics benchmark (issue #3 item 10): HDR record cost per value and memory of a long run.
 *
 *   npx tsx bench/metrics.ts           full: 5 M values per timing, 10-minute run at 10 k/s
 *   npx tsx bench/metrics.ts --quick   short: 500 k values, 2-minute run
 *
 * 1. ns per recorded value: hdr-histogram-js WASM build (what the registry records into), its
 *    JS build, and Node's own HDR-backed perf_hooks.createHistogram().record() as the baseline,
 *    each raw and (for ours) through the registry's trend.add (clock tick + exact min/max/sum).
 * 2. memory: a simulated run on virtual time through the registry — latency trend with a tag
 *    and a tracked sub-metric, iterations counter, errors rate, a 40 s sliding-window ring —
 *    with heap and RSS read after a forced GC at 1, 5 and 10 minutes: flat means no per-sample
 *    storage (only one small time-series point per second).
 * Target: ≤ 100 ns per recorded value.
 */
import './help.ts';
import * as hdr from 'hdr-histogram-js';
import { spawnSync } from 'node:child_process';
import { createHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRegistry } from '../harness/metrics/registry.ts';
import { HDR_DIGITS } from '../results/hdr.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = quick ? 500_000 : 5_000_000;
const RUN_MINUTES = quick ? 2 : 10;
const RATE = 10_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// latencies in µs: mostly 0.2..20 ms with a long tail, precomputed so generation isn't timed
const VALS = new Float64Array(1 << 16);
{
  let x = 12345;
  for (let i = 0; i < VALS.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const u = x / 2 ** 32;
    VALS[i] = Math.round(200 + 20_000 * u * u * u + (u > 0.999 ? 500_000 : 0));
  }
}
const MASK = VALS.length - 1;

/** best of three: ns per call of fn's inner loop over N values */
function time(fn: (n: number) => void): number {
  fn(Math.min(N, 200_000)); // warm the JIT
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    fn(N);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / N);
  }
  return best;
}

function registryNs(build: 'wasm' | 'js'): number {
  const reg = createRegistry({ hdr: build });
  const lat = reg.trend('latency');
  // 10 k values per virtual second, so the per-second close (percentiles for the time-series
  // point, folding into the total) is part of the cost
  const ns = time((n) => {
    for (let i = 0; i < n; i++) lat.add(VALS[i & MASK]! / 1000, i / 10);
  });
  reg.close();
  return ns;
}
if (process.argv.includes('--registry-js-only')) {
  // a fresh process: sharing the registry's call sites with the WASM build would make them
  // polymorphic and slow the JS build down unfairly
  console.log(registryNs('js'));
  process.exit(0);
}
hdr.initWebAssemblySync();
const mk = (useWebAssembly: boolean) =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: HDR_DIGITS,
    autoResize: true,
    useWebAssembly,
  });

const wasmH = mk(true);
const jsH = mk(false);
const nodeH = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: HDR_DIGITS });

const results: [string, number][] = [];
results.push([
  'node perf_hooks.createHistogram().record (baseline)',
  time((n) => {
    for (let i = 0; i < n; i++) nodeH.record(VALS[i & MASK]!);
  }),
]);
results.push([
  'hdr-histogram-js WASM recordValue',
  time((n) => {
    for (let i = 0; i < n; i++) wasmH.recordValue(VALS[i & MASK]!);
  }),
]);
results.push([
  'hdr-histogram-js JS recordValue',
  time((n) => {
    for (let i = 0; i < n; i++) jsH.recordValue(VALS[i & MASK]!);
  }),
]);
results.push(['registry trend.add (wasm build, the default)', registryNs('wasm')]);
{
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--registry-js-only', ...(quick ? ['--quick'] : [])],
    { encoding: 'utf8' },
  );
  results.push(['registry trend.add (js build, own process)', Number(child.stdout.trim().split('\n').pop())]);
}
wasmH.destroy();

const base = results[0]![1];
console.log(`HDR record cost per value (${N.toLocaleString('en')} values, best of 3; baseline = Node's HDR histogram)`);
for (const [label, ns] of results) {
  console.log(`  ${label.padEnd(54)} ${ns.toFixed(1).padStart(7)} ns   ${(ns / base).toFixed(2)}x baseline`);
}
const regNs = results.find(([l]) => l.startsWith('registry trend.add (wasm'))![1];
console.log(
  `  target ≤ 100 ns per recorded value through the registry: ${regNs <= 100 ? 'met' : 'NOT met'} ` +
    `(${regNs.toFixed(1)} ns)`,
);

// ---- memory of a long run on virtual time
{
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const reg = createRegistry({ warmupMs: 10_000 });
  reg.track('latency', { status: '500' });
  reg.retainWindow(40);
  const lat = reg.trend('latency');
  const it = reg.counter('iterations');
  const err = reg.rate('errors');
  const ok = { status: '200' },
    bad = { status: '500' };
  const marks = new Set(quick ? [1, 2] : [1, 5, 10]);
  const rows: { minute: number; heapMb: number; extMb: number; rssMb: number; points: number }[] = [];
  const perSec = RATE;
  const t0 = performance.now();
  let i = 0;
  for (let sec = 0; sec < RUN_MINUTES * 60; sec++) {
    for (let k = 0; k < perSec; k++, i++) {
      const now = sec * 1000 + (k * 1000) / perSec;
      const isErr = (i & 1023) === 0;
      lat.add(VALS[i & MASK]! / 1000, now, isErr ? bad : ok);
      it.add(1, now);
      err.add(isErr, now);
    }
    const minute = (sec + 1) / 60;
    if (marks.has(minute)) {
      reg.snapshot((sec + 1) * 1000); // what a live summary would do
      gc();
      const m = process.memoryUsage();
      rows.push({
        minute,
        heapMb: (m.heapUsed - heap0) / 2 ** 20,
        extMb: m.external / 2 ** 20,
        rssMb: m.rss / 2 ** 20,
        points: reg.timeseries((sec + 1) * 1000).length,
      });
    }
  }
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `\nMemory of a ${RUN_MINUTES}-minute run at ${RATE.toLocaleString('en')} values/s on virtual time ` +
      `(${i.toLocaleString('en')} latency values + counter + rate, 1 tracked sub-metric, 40 s window ` +
      `ring; ${wall.toFixed(1)} s wall)`,
  );
  console.log('  minute   heap growth MB   external MB (WASM)   RSS MB   time-series points');
  for (const r of rows) {
    console.log(
      `  ${String(r.minute).padStart(6)}   ${r.heapMb.toFixed(2).padStart(14)}   ` +
        `${r.extMb.toFixed(1).padStart(18)}   ${r.rssMb.toFixed(1).padStart(6)}   ${String(r.points).padStart(18)}`,
    );
  }
  const first = rows[0]!,
    last = rows[rows.length - 1]!;
  const perMinute = (last.heapMb - first.heapMb) / Math.max(1, last.minute - first.minute);
  console.log(
    `  heap growth after minute 1: ${perMinute.toFixed(3)} MB/minute (the time series: one small point ` +
      `per second) — raw samples would be ${((RATE * 60 * 8) / 2 ** 20).toFixed(1)} MB/minute`,
  );
  reg.close();
}
