/**
 * A process's CPU time from /proc/<pid>/stat (Linux), for the benches that compare processes: its
 * own user + system time (utime, stime), or with `reaped` that of the children it has waited for
 * (cutime, cstime). 0 where there is no such process or no /proc.
 */
import './help.ts';
import { readFileSync } from 'node:fs';

export function procCpuMs(pid: number | 'self', reaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the name (which may hold spaces and parentheses) state is field 3; utime and stime are fields 14 and
    // 15 (1-based), cutime and cstime 16 and 17
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const i = reaped ? 13 : 11;
    return ((Number(f[i]) + Number(f[i + 1])) * 1000) / 100; // clock ticks at USER_HZ 100
  } catch {
    return 0;
  }
}

/** a process's CPU time (ms, procCpuMs) read at `at` (epoch ms) */
export interface CpuSample {
  at: number;
  ms: number;
}

/**
 * Reads a process's CPU time every `everyMs` on a timer until stop(), which returns the samples: for a span inside a
 * run this thread does not wait for (spawn, not spawnSync), e.g. a server's CPU over a load's measured seconds only
 */
export function sampleCpu(pid: number, everyMs = 100): { stop(): CpuSample[] } {
  const samples: CpuSample[] = [{ at: Date.now(), ms: procCpuMs(pid) }];
  const timer = setInterval(() => samples.push({ at: Date.now(), ms: procCpuMs(pid) }), everyMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push({ at: Date.now(), ms: procCpuMs(pid) });
      return samples;
    },
  };
}

/**
 * The CPU (share of one core) over [from, to) (epoch ms) from the samples nearest each end: the mean, and the busiest
 * whole second from `from` (the mean where the span is shorter). NaN without two samples in reach
 */
export function cpuOver(samples: readonly CpuSample[], from: number, to: number): { mean: number; peak: number } {
  const near = (t: number): CpuSample | undefined => {
    let best: CpuSample | undefined;
    for (const s of samples) if (!best || Math.abs(s.at - t) < Math.abs(best.at - t)) best = s;
    return best;
  };
  const share = (a: number, b: number): number => {
    const x = near(a);
    const y = near(b);
    return x && y && y.at > x.at ? (y.ms - x.ms) / (y.at - x.at) : Number.NaN;
  };
  const mean = share(from, to);
  let peak = -Infinity;
  for (let t = from; t + 1000 <= to; t += 1000) {
    const s = share(t, t + 1000);
    if (s > peak) peak = s;
  }
  return { mean, peak: peak > -Infinity ? peak : mean };
}
