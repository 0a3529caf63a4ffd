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
 * The CPU time (ms) spent over [from, to] (epoch ms) from timed samples (in time order) of a CPU-time counter read from
 * each sample by `ms` (a process's CPU ms, or any per-sample part of it): the counter at each end is linear between the
 * samples either side, and held at the first or last sample beyond them (no time is seen there). NaN without samples,
 * or where the span lies wholly before the first or after the last.
 */
export function cpuMsOver<S extends { at: number }>(
  samples: readonly S[],
  from: number,
  to: number,
  ms: (s: S) => number,
): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || to < first.at || from > last.at) return Number.NaN;
  const at = (t: number): number => {
    const i = samples.findIndex((s) => s.at >= t);
    if (i === 0) return ms(first);
    if (i < 0) return ms(last);
    const a = samples[i - 1]!;
    const b = samples[i]!;
    // a.at < t <= b.at, so b.at - a.at > 0
    return ms(a) + ((ms(b) - ms(a)) * (t - a.at)) / (b.at - a.at);
  };
  return at(to) - at(from);
}

/**
 * The CPU (share of one core) over [from, to] (epoch ms), linear between the samples (cpuMsOver): the mean, and the
 * busiest whole second from `from` (the mean where the span is shorter). NaN without two samples, or where the span
 * lies wholly outside them
 */
export function cpuOver(samples: readonly CpuSample[], from: number, to: number): { mean: number; peak: number } {
  const share = (a: number, b: number): number =>
    samples.length >= 2 && b > a ? cpuMsOver(samples, a, b, (s) => s.ms) / (b - a) : Number.NaN;
  const mean = share(from, to);
  let peak = -Infinity;
  for (let t = from; t + 1000 <= to; t += 1000) {
    const s = share(t, t + 1000);
    if (s > peak) peak = s;
  }
  return { mean, peak: peak > -Infinity ? peak : mean };
}
