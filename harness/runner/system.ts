/**
 * TEMPORARY process sampler (CPU, RSS, heap, event-loop delay) until harness/metrics/system.ts
 * from the metrics branch is merged; same figures as RunSummary['system'].
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunSummary } from '../results/types.ts';

export interface SystemSampling {
  stop(): RunSummary['system'];
}

export function startSystemSampling(intervalMs = 1000): SystemSampling {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastT = performance.now();
  const cpu: number[] = [], rss: number[] = [], heap: number[] = [];
  const sample = (): void => {
    const now = performance.now();
    const c = process.cpuUsage(lastCpu);
    const dt = now - lastT;
    if (dt > 0) cpu.push(((c.user + c.system) / 1000 / dt) * 100);
    lastCpu = process.cpuUsage();
    lastT = now;
    const m = process.memoryUsage();
    rss.push(m.rss / 1048576);
    heap.push(m.heapUsed / 1048576);
  };
  const h = setInterval(sample, intervalMs);
  h.unref();
  const stat = (xs: number[]) => ({ mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0, max: xs.length ? Math.max(...xs) : 0 });
  return {
    stop() {
      clearInterval(h);
      sample();
      loop.disable();
      const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
      return {
        cpuPercent: stat(cpu),
        rssMb: stat(rss),
        heapUsedMb: stat(heap),
        eventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
      };
    },
  };
}
