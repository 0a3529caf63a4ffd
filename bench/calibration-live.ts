/**
 * Live runs of the reference pipeline for the calibration bench (bench/calibration.ts): one run
 * per rate (embedded services, constant arrival rate), with the CPU time each run cost — this
 * process's (process.cpuUsage) and, with child processors, the children's (their user + system
 * time, read from /proc/self/stat's cutime + cstime once they have exited and been reaped).
 * The CPU figures go into the summary as `extra.cpu` {mainMs, childrenMs, wallMs}, which
 * calibrateRuns() reads (harness/sim/calibrate-fit.ts).
 */
import './help.ts';
import { readFileSync } from 'node:fs';
import { runScenario } from '../harness/runner/index.ts';
import { validateScenario } from '../harness/scenario/index.ts';
import type { RunSummary } from '../results/types.ts';

export interface LiveOptions {
  rate: number;
  seconds: number;
  processors: number;
  mode: 'in-process' | 'child';
  partitions?: number;
}

/** children's CPU time (user + system) in ms, of the children this process has reaped */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the name: state is field 3; cutime and cstime are fields 16 and 17 (1-based) → 13, 14 here
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // clock ticks at USER_HZ 100
  } catch {
    return 0;
  }
}

export async function liveRun(o: LiveOptions): Promise<RunSummary> {
  const c0 = process.cpuUsage();
  const k0 = childrenCpuMs();
  const w0 = performance.now();
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
  const c = process.cpuUsage(c0);
  const cpu = {
    mainMs: (c.user + c.system) / 1000,
    childrenMs: Math.max(0, childrenCpuMs() - k0),
    wallMs: performance.now() - w0,
  };
  return { ...summary, extra: { ...(summary.extra ?? {}), cpu } };
}
