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
