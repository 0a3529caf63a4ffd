/**
 * Simulator throughput: simulated events per second of wall time, the projected wall time to
 * simulate one hour of a 50k events/s pipeline, and memory at 1/2/4 simulated minutes (should be
 * flat: histograms, never raw samples). Baseline measured in the same run: the raw event-queue
 * push/pop rate (the ceiling any event-driven model can reach here).
 *   npx tsx bench/sim.ts            full (≈ 1–2 min)
 *   npx tsx bench/sim.ts --quick    a few seconds (or PIPELAB_BENCH_QUICK=1)
 */
import './help.ts';
import v8 from 'node:v8';
import vm from 'node:vm';
import { EventQueue } from '../harness/sim/heap.ts';
import { simulateQueue } from '../harness/sim/queue.ts';
import { simulate, type SimExtra } from '../harness/sim/simulate.ts';
import type { PipelineSimConfig } from '../harness/sim/config.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function queueBaseline(ops: number): number {
  // hold model: keep 4096 events pending, pop one and push one (exponential-ish increments)
  const q = new EventQueue(8192);
  let x = 1;
  for (let i = 0; i < 4096; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    q.push(x / 1e6, 0, i);
  }
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    q.pop();
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    q.push(q.poppedTime + x / 1e9, 1, i);
  }
  return ops / ((performance.now() - t0) / 1000);
}

const pipeline = (durationMs: number, stageHistograms = true): PipelineSimConfig => ({
  name: 'bench-50k',
  seed: 1,
  durationMs,
  stageHistograms,
  arrivals: { kind: 'poisson', rate: 50_000 },
  partitions: 12,
  consumers: { replicas: 12, cores: 4, process: { type: 'exponential', meanMs: 0.3 } },
  modelServer: { replicas: 12, batchSize: 32, maxWaitMs: 5 },
});

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

const baseOps = quick ? 2_000_000 : 20_000_000;
queueBaseline(200_000); // warm the JIT
const base = queueBaseline(baseOps);
console.log(`baseline: event queue push+pop (4096 pending)     ${fmt(base)} ops/s`);

{
  const t0 = performance.now();
  const r = simulateQueue({
    model: 'mmc',
    lambda: 40,
    mu: 10,
    servers: 5,
    events: quick ? 500_000 : 5_000_000,
    seed: 1,
  });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `M/M/c self-check: ${fmt(r.eventsProcessed / s)} events/s  ` +
      `(${(r.eventsProcessed / s / base).toFixed(2)} × baseline)`,
  );
}

for (const stages of [true, false]) {
  const dur = quick ? 10_000 : 60_000;
  simulate(pipeline(2000, stages)); // warm-up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const sum = simulate(pipeline(dur, stages));
  const cpu = process.cpuUsage(c0);
  const s = (performance.now() - t0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const x = sum.extra!.sim as SimExtra;
  const evps = x.events / s,
    recps = x.generated / s;
  const hourS = (50_000 * 3600) / recps;
  console.log(
    `pipeline 50k/s, ${dur / 1000} s simulated, stage histograms ${stages ? 'on ' : 'off'}: ${fmt(evps)} ` +
      `engine events/s (${(evps / base).toFixed(2)} × baseline), ${fmt(recps)} pipeline events/s; 1 h of ` +
      `50k events/s ≈ ${(hourS / 60).toFixed(1)} min wall`,
  );
  // CPU time is what a shared machine cannot steal: the rate per CPU-second is the figure to compare
  console.log(
    `  per CPU-second: ${fmt(x.events / cpuS)} engine events, ${fmt(x.generated / cpuS)} pipeline events; ` +
      `1 h of 50k events/s ≈ ${((50_000 * 3600) / (x.generated / cpuS) / 60).toFixed(1)} CPU-min (wall ` +
      `${s.toFixed(1)} s vs CPU ${cpuS.toFixed(1)} s)`,
  );
}

{
  const marks = quick ? [15_000, 30_000, 60_000] : [60_000, 120_000, 240_000];
  const mem: string[] = [];
  gc();
  const before = process.memoryUsage();
  simulate(pipeline(marks[marks.length - 1]!), {
    onTick(t) {
      if (!marks.includes(t)) return;
      gc();
      const m = process.memoryUsage();
      mem.push(
        `${t / 60_000} min: heap ${((m.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MB, ` +
          `arrayBuffers ${((m.arrayBuffers - before.arrayBuffers) / 1048576).toFixed(1)} MB, rss ` +
          `${(m.rss / 1048576).toFixed(0)} MB`,
      );
    },
  });
  console.log(`memory growth during one run (after gc):\n  ${mem.join('\n  ')}`);
}
