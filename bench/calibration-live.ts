/**
 * Live runs of the reference pipeline for the calibration bench (bench/calibration.ts): one run
 * per rate (embedded services, constant arrival rate), with the CPU time each run cost — this
 * process's (process.cpuUsage) and, with child processors, the children's (their user + system
 * time, read from /proc/self/stat's cutime + cstime once they have exited and been reaped).
 * The CPU figures go into the summary as `extra.cpu` {mainMs, childrenMs, wallMs}, which
 * calibrateRuns() reads (harness/sim/calibrate-fit.ts). The children's reaped time includes their
 * start-up (4–6 s a run, more than a 6 s run's work at 2,000/s), so their CPU within the load window
 * is measured too, `childrenWindowMs` (and `mainWindowMs`): this process and its children are sampled
 * every 200 ms (process.cpuUsage, /proc/<pid>/stat of each child), interpolated at the executors'
 * start (`startedAt`) and end (+ `durationMs`).
 */
import './help.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuMsOver, procCpuMs } from './proc-cpu.ts';
import { runScenario } from '../harness/runner/index.ts';
import { validateScenario } from '../harness/scenario/index.ts';
import type { RunSummary } from '../results/types.ts';

export interface LiveOptions {
  rate: number;
  seconds: number;
  processors: number;
  mode: 'in-process' | 'child';
  partitions?: number;
  /** the source producer's linger (the target's lingerMs; default 2 ms) */
  lingerMs?: number;
}

/** this process's children (their pids), from /proc/self/task/<tid>/children */
function childPids(): number[] {
  try {
    return readdirSync('/proc/self/task').flatMap((t) =>
      readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** this process's CPU ms (process.cpuUsage) and its live children's (/proc/<pid>/stat), read at `at` (epoch ms) */
interface CpuSample {
  at: number;
  main: number;
  children: number;
}

const sampleCpu = (): CpuSample => {
  const c = process.cpuUsage();
  return {
    at: Date.now(),
    main: (c.user + c.system) / 1000,
    children: childPids().reduce((a, p) => a + procCpuMs(p), 0),
  };
};

export async function liveRun(o: LiveOptions): Promise<RunSummary> {
  const c0 = process.cpuUsage();
  const k0 = procCpuMs('self', true);
  const w0 = performance.now();
  const samples: CpuSample[] = [sampleCpu()];
  const timer = setInterval(() => samples.push(sampleCpu()), 200);
  const summary = await runScenario(
    validateScenario({
      name: `bench-calibration-${o.mode}-${o.rate}`,
      seed: 1,
      warmup: '1s',
      services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
      target: {
        type: 'pipeline',
        processors: o.processors,
        processorMode: o.mode,
        drainTimeout: '20s',
        ...(o.partitions ? { partitions: o.partitions } : {}),
        ...(o.lingerMs !== undefined ? { lingerMs: o.lingerMs } : {}),
      },
      executors: {
        main: {
          executor: 'constant-arrival-rate',
          rate: o.rate,
          duration: `${o.seconds}s`,
          preAllocatedVUs: Math.min(2000, o.rate),
          maxVUs: Math.max(5000, o.rate * 2),
        },
      },
    }),
  );
  clearInterval(timer);
  const c = process.cpuUsage(c0);
  const start = Date.parse(summary.startedAt);
  const end = start + summary.durationMs;
  const cpu = {
    mainMs: (c.user + c.system) / 1000,
    childrenMs: Math.max(0, procCpuMs('self', true) - k0),
    wallMs: performance.now() - w0,
    mainWindowMs: cpuMsOver(samples, start, end, (s) => s.main),
    ...(o.mode === 'child' ? { childrenWindowMs: cpuMsOver(samples, start, end, (s) => s.children) } : {}),
  };
  return { ...summary, extra: { ...(summary.extra ?? {}), cpu } };
}
