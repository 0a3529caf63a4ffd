/**
 * Process figures sampled about once a second during a run: CPU % (of one core, from
 * process.cpuUsage deltas), RSS and heap used (MB), and event-loop delay
 * (perf_hooks.monitorEventLoopDelay). Produces RunSummary['system'] and one point per sample
 * so reports can chart them. The timer is unref'd and cleared by stop(); nothing leaks.
 *
 * For tests and the simulator everything external is injectable (readers, clock) and
 * `timer: false` turns the interval off: call sample(nowMs) yourself.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { RunSummary } from '../../results/types.ts';
import type { MetricsRegistry } from './api.ts';
import { type HeapFloorPoint, type MajorGcObserver, observeMajorGc, withGrowth } from './memory.ts';

type SystemSummary = RunSummary['system'];

export interface SystemPoint {
  /** ms since the sampler started (or the nowMs given to sample) */
  t: number;
  cpuPercent: number;
  rssMb: number;
  heapUsedMb: number;
  /** event-loop delay over the interval */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export interface SystemSamplerOptions {
  /** sampling interval, default 1000 ms */
  intervalMs?: number;
  /** false: no timer; the caller calls sample(nowMs) (virtual time) */
  timer?: boolean;
  /** run clock in ms (default: ms since start) */
  now?: () => number;
  /**
   * also record gauges system_cpu_percent, system_rss_mb, system_heap_used_mb, system_event_loop_delay_ms, and at
   * stop rss_growth_mb_per_min and heap_growth_mb_per_min (memory.ts)
   */
  registry?: MetricsRegistry;
  /** injectable readers (tests) */
  cpuUsage?: (prev?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
  memoryUsage?: () => { rss: number; heapUsed: number };
  /** hrtime in ms for the CPU % denominator (default performance.now) */
  hrNow?: () => number;
  /** the measured window starts here (the warm-up's end, run-clock ms): memory growth is fitted from it */
  measureFromMs?: number;
  /**
   * the heap's floor after each major GC, for the heap growth (memory.ts); default: perf_hooks 'gc'
   * entries when memoryUsage is not injected, none when it is (tests inject both or neither)
   */
  observeMajorGc?: MajorGcObserver | false;
}

export interface SystemSampler {
  /** take a sample now (the timer calls this) */
  sample(nowMs?: number): SystemPoint;
  points(): readonly SystemPoint[];
  /** the summary so far */
  summary(): SystemSummary;
  /** stop the timer and the event-loop monitor, take a last sample, return the summary. Idempotent. */
  stop(): SystemSummary;
}

const MB = 1024 * 1024;

/**
 * Event-loop delay: one monitor reset at every sample (per-point figures) and one never reset
 * (the summary); Node can't add an ELD histogram into another, so two cheap monitors it is.
 */
function eventLoopMonitors(): { eld?: IntervalHistogram; eldTotal?: IntervalHistogram } {
  try {
    const eld = monitorEventLoopDelay({ resolution: 10 });
    const eldTotal = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    eldTotal.enable();
    return { eld, eldTotal };
  } catch {
    return {};
  }
}

interface Aggregate {
  n: number;
  cpuSum: number;
  cpuMax: number;
  rssSum: number;
  rssMax: number;
  heapSum: number;
  heapMax: number;
}

function accumulate(agg: Aggregate, p: SystemPoint): void {
  agg.n++;
  agg.cpuSum += p.cpuPercent;
  agg.cpuMax = Math.max(agg.cpuMax, p.cpuPercent);
  agg.rssSum += p.rssMb;
  agg.rssMax = Math.max(agg.rssMax, p.rssMb);
  agg.heapSum += p.heapUsedMb;
  agg.heapMax = Math.max(agg.heapMax, p.heapUsedMb);
}

export function startSystemSampler(opts: SystemSamplerOptions = {}): SystemSampler {
  const intervalMs = opts.intervalMs ?? 1000;
  const hrNow = opts.hrNow ?? (() => performance.now());
  const t0 = hrNow();
  const now = opts.now ?? (() => hrNow() - t0);
  const cpuUsage = opts.cpuUsage ?? ((prev?: NodeJS.CpuUsage) => process.cpuUsage(prev));
  const memoryUsage = opts.memoryUsage ?? (() => process.memoryUsage());

  const { eld, eldTotal } = eventLoopMonitors();

  const gauges = opts.registry
    ? {
        cpu: opts.registry.gauge('system_cpu_percent'),
        rss: opts.registry.gauge('system_rss_mb'),
        heap: opts.registry.gauge('system_heap_used_mb'),
        eld: opts.registry.gauge('system_event_loop_delay_ms'),
      }
    : undefined;

  const pts: SystemPoint[] = [];
  const floor: HeapFloorPoint[] = [];
  const observe = opts.observeMajorGc ?? (opts.memoryUsage ? false : observeMajorGc);
  const unobserve = observe ? observe((heapMb, nowMs) => floor.push({ t: nowMs ?? now(), heapMb })) : undefined;
  const agg: Aggregate = { n: 0, cpuSum: 0, cpuMax: 0, rssSum: 0, rssMax: 0, heapSum: 0, heapMax: 0 };
  let lastCpu = cpuUsage();
  let lastHr = hrNow();
  let stopped = false;
  let final: SystemSummary | undefined;

  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);

  function sample(nowMs?: number): SystemPoint {
    const hr = hrNow();
    const d = cpuUsage(lastCpu);
    const elapsedUs = (hr - lastHr) * 1000;
    const cpuPercent = elapsedUs > 0 ? ((d.user + d.system) / elapsedUs) * 100 : 0;
    lastCpu = cpuUsage();
    lastHr = hr;
    const mem = memoryUsage();
    let delay = { p50: 0, p99: 0, max: 0 };
    if (eld && eldTotal && eld.count > 0) {
      delay = { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) };
      eld.reset();
    }
    const p: SystemPoint = {
      t: nowMs ?? now(),
      cpuPercent,
      rssMb: mem.rss / MB,
      heapUsedMb: mem.heapUsed / MB,
      eventLoopDelayMs: delay,
    };
    pts.push(p);
    accumulate(agg, p);
    if (gauges) {
      gauges.cpu.set(p.cpuPercent, p.t);
      gauges.rss.set(p.rssMb, p.t);
      gauges.heap.set(p.heapUsedMb, p.t);
      gauges.eld.set(p.eventLoopDelayMs.p99, p.t);
    }
    return p;
  }

  function summary(): SystemSummary {
    if (final) return final;
    const n = agg.n || 1;
    const tot = eldTotal && eldTotal.count > 0 ? eldTotal : undefined;
    return {
      cpuPercent: { mean: agg.cpuSum / n, max: agg.cpuMax },
      rssMb: { mean: agg.rssSum / n, max: agg.rssMax },
      heapUsedMb: { mean: agg.heapSum / n, max: agg.heapMax },
      eventLoopDelayMs: tot
        ? { p50: ms(tot.percentile(50)), p99: ms(tot.percentile(99)), max: ms(tot.max) }
        : { p50: 0, p99: 0, max: 0 },
    };
  }

  const timer = opts.timer === false ? undefined : setInterval(() => sample(), intervalMs);
  timer?.unref();

  return {
    sample,
    points: () => pts,
    summary,
    stop() {
      if (stopped) return final!;
      stopped = true;
      if (timer) clearInterval(timer);
      if (opts.timer !== false) sample();
      eld?.disable();
      eldTotal?.disable();
      unobserve?.();
      final = withGrowth(summary(), pts, opts.measureFromMs ?? 0, opts.registry, floor);
      return final;
    },
  };
}

/** a summary with zeros, for runs that did not sample (e.g. simulated runs) */
export function emptySystemSummary(): SystemSummary {
  return {
    cpuPercent: { mean: 0, max: 0 },
    rssMb: { mean: 0, max: 0 },
    heapUsedMb: { mean: 0, max: 0 },
    eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
  };
}
