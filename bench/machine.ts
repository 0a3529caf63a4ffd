/**
 * What the machine gives a bench beside its own process, for the benches whose figures it moves (bench/pipeline.ts):
 * the other processes' CPU (/proc/stat less this process's), and the machine's own speed.
 *
 * The speed: a fixed piece of work (JSON round trips of a small object) timed every 250 ms on a worker thread and
 * every 500 ms on the bench's main thread, between its callbacks. On this 2-core VM the same work takes one of two
 * times about 1.6x apart (0.64 against 1.05 ms for 300, 2026-12-06 22:50 UTC) and flips between them within seconds,
 * also with nothing else of ours running (under the machine lock): that is the host, not the bench, and the two
 * cores need not be in the same mode. A span (a trial, a baseline run) is read per thread as its median probe against
 * that thread's fastest probe so far, and the share of its probes in the slow mode (over SLOW_AT times the fastest).
 * The probes cost about 1 % of a core on the worker and 0.05 % of the main thread, counted in this process's CPU.
 */
import './help.ts';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { median } from './stats.ts';

/**
 * the machine's busy CPU time so far (µs, all cores: /proc/stat's user, nice, system, irq, softirq, steal), or
 * undefined where there is no /proc/stat. Neighbours' work is one reason a trial runs slow (work outside the machine
 * lock took 1.2 cores twice on 2026-12-06), though not the only one: trials failed beside 0.01-0.04 cores too
 */
export function machineBusyUs(): number | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').slice(0, 200).split('\n')[0]!.trim().split(/\s+/).map(Number);
    const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return ((user + nice + system + irq + softirq + steal) * 1e6) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux that matters here (getconf CLK_TCK) */
const CLOCK_TICKS = 100;

/**
 * the other processes' CPU since `machine0` (cores over `wallMs`): the machine's busy time less this process's
 * `cpu` (process.cpuUsage since then); NaN without /proc/stat
 */
export function othersSince(machine0: number | undefined, cpu: NodeJS.CpuUsage, wallMs: number): number {
  const machine1 = machineBusyUs();
  if (machine0 === undefined || machine1 === undefined) return NaN;
  return Math.max(0, machine1 - machine0 - cpu.user - cpu.system) / 1000 / wallMs;
}

/** one probe: when it ended (epoch ms) and how long the work took (ms) */
export interface Probe {
  at: number;
  ms: number;
}

/** the probes of a span: how many, their median (ms) and against the fastest probe, the share in the slow mode */
export interface MachineSpan {
  n: number;
  medianMs: number;
  /** the median over the fastest probe (1: fast throughout; ~1.6 here: slow throughout) */
  relative: number;
  /** share of the probes over SLOW_AT times the fastest (0-1) */
  slowShare: number;
}

/** a probe this much slower than the fastest counts as the slow mode (the two modes are ~1.6x apart) */
export const SLOW_AT = 1.3;

/** the probes of [from, to) (epoch ms) against `fastest` ms; NaN figures when none fell in the span */
export function machineSpan(probes: readonly Probe[], from: number, to: number, fastest: number): MachineSpan {
  const ms = probes.filter((p) => p.at >= from && p.at < to).map((p) => p.ms);
  if (ms.length === 0 || !(fastest > 0 && fastest < Infinity))
    return { n: ms.length, medianMs: NaN, relative: NaN, slowShare: NaN };
  const medianMs = median(ms);
  const slow = ms.filter((m) => m > SLOW_AT * fastest).length;
  return { n: ms.length, medianMs, relative: medianMs / fastest, slowShare: slow / ms.length };
}

/** the speed of both threads over a span: the bench's main thread and the probe thread (another core, mostly) */
export interface MachineSpans {
  main: MachineSpan;
  other: MachineSpan;
}

/** `machine 1.05x/1.52x (main/other thread), slow 12/59 %`, a dash where a thread has no probes */
export function formatSpan(s: MachineSpans): string {
  const x = (m: MachineSpan) => (Number.isFinite(m.relative) ? `${m.relative.toFixed(2)}x` : '-');
  const pct = (m: MachineSpan) => (Number.isFinite(m.slowShare) ? String(Math.round(m.slowShare * 100)) : '-');
  return `machine ${x(s.main)}/${x(s.other)} (main/other thread), slow ${pct(s.main)}/${pct(s.other)} %`;
}

/** one thread's speed over a span as `1.28x its fastest, 48 % slow`; `no probes` where it has none */
export function formatHost(m: MachineSpan): string {
  if (!Number.isFinite(m.relative)) return 'no probes';
  return `${m.relative.toFixed(2)}x its fastest, ${Math.round(m.slowShare * 100)} % slow`;
}

/** the probe: `n` JSON round trips of a small object, ms (NaN never: the sum keeps the work from being dropped) */
function roundTrips(n: number): number {
  const o = { id: 'tx-0001234567', userId: 'u42', amount: 123.45, currency: 'EUR', country: 'DE', channel: 'web' };
  const a = performance.now();
  let s = 0;
  for (let i = 0; i < n; i++) s += (JSON.parse(JSON.stringify({ ...o, items: [i, 2, 3] })) as typeof o).amount;
  return s > 0 ? performance.now() - a : Number.NaN;
}

const PROBE_THREAD = `
const { parentPort } = require('node:worker_threads');
const roundTrips = ${roundTrips.toString()};
setInterval(() => parentPort.postMessage({ at: Date.now(), ms: Math.min(roundTrips(300), roundTrips(300)) / 3 }), 250);
`;

/** a probe series: its probes and the fastest after its first few (before the JIT settles) */
class Series {
  readonly probes: Probe[] = [];
  private fastest = Infinity;
  add(p: Probe): void {
    this.probes.push(p);
    if (this.probes.length > 4) this.fastest = Math.min(this.fastest, p.ms);
  }
  span(from: number, to: number): MachineSpan {
    return machineSpan(this.probes, from, to, this.fastest);
  }
}

/**
 * Starts the probes (neither keeps the process alive): on a thread of its own 2 x 300 round trips every 250 ms,
 * the faster taken, and on this thread 100 round trips every 500 ms between the bench's callbacks (about 0.2 ms:
 * 0.05 % of the thread). `span(from, to)` reads both over a span (epoch ms, to now by default), each against its
 * own fastest probe so far; `host(from, to)` the probe thread's, printed (formatHost).
 */
export function startMachineProbe(): {
  span(from: number, to?: number): MachineSpans;
  host(from: number, to?: number): Promise<string>;
} {
  const main = new Series();
  const other = new Series();
  const worker = new Worker(PROBE_THREAD, { eval: true });
  worker.on('message', (p: Probe) => other.add(p));
  worker.unref();
  setInterval(() => main.add({ ms: roundTrips(100), at: Date.now() }), 500).unref();
  const span = (from: number, to = Date.now()) => ({ main: main.span(from, to), other: other.span(from, to) });
  return {
    span,
    // the probe thread's speed over [from, to) (formatHost), after a moment for its messages to arrive: a bench
    // thread busy in a synchronous run or spawnSync gets them only once its loop runs again
    host: async (from, to = Date.now()) => {
      await new Promise((r) => setTimeout(r, 50));
      return formatHost(span(from, to).other);
    },
  };
}
